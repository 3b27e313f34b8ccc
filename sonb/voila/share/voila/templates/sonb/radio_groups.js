/* sonb: radio groups (and lists of check boxes) that a screen reader names by their question.
 *
 * ipywidgets 8 draws a RadioButtons widget as
 *   <div class="widget-radio"><label class="widget-label">The question</label>
 *     <div class="widget-radio-box"><label>Yes<input type="radio"></label> ...</div></div>
 * The question's <label> belongs to no input, the radios have no group around them and no
 * shared name: a screen reader says "Yes, radio button" without the question. This script
 * makes each box a real radio group named by the question (role="radiogroup",
 * aria-labelledby), gives its radios one name (one Tab stop, arrow keys move between them,
 * as in any radio group) and lets the widget's focus() reach a radio (ipywidgets focuses the
 * first <label>). Lists of check boxes drawn by sonb (.sonb-choices) become a group named by
 * their .sonb-label. It only adds attributes: the widgets work the same without it (JupyterLab).
 *
 * sonb's Voila template (index.html.j2) puts this file in the page. Keep it free of Jinja
 * markup: the template includes it as text.
 */
(function () {
  "use strict";
  var made = 0;

  function newId(prefix) {
    made += 1;
    return prefix + made;
  }

  function nameGroup(group, label, role) {
    if (group.getAttribute("role") !== role) group.setAttribute("role", role);
    if (!label) return;
    if (!label.id) label.id = newId("sonb-group-name-");
    if (group.getAttribute("aria-labelledby") !== label.id) {
      group.setAttribute("aria-labelledby", label.id);
    }
  }

  function radioGroup(box) {
    var widget = box.parentElement;
    nameGroup(box, widget && widget.querySelector(":scope > label.widget-label"), "radiogroup");
    if (!box.dataset.sonbName) box.dataset.sonbName = newId("sonb-radio-");
    box.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      if (radio.name !== box.dataset.sonbName) radio.name = box.dataset.sonbName;
    });
    var first = box.firstElementChild;
    if (first && first.tagName === "LABEL" && !first.hasAttribute("tabindex")) first.tabIndex = -1;
  }

  function nameAll() {
    document.querySelectorAll(".widget-radio > .widget-radio-box").forEach(radioGroup);
    document.querySelectorAll(".sonb-choices").forEach(function (group) {
      nameGroup(group, group.querySelector(".sonb-label"), "group");
    });
  }

  // RadioButtons.focus() (the kernel's way to show a field with a problem) focuses the first
  // option's <label>: pass the focus on to the chosen radio, or the first one.
  document.addEventListener("focusin", function (event) {
    var label = event.target, box = label && label.parentElement;
    if (!box || label.tagName !== "LABEL" || !box.matches('.widget-radio-box[role="radiogroup"]')) {
      return;
    }
    var radio = box.querySelector('input[type="radio"]:checked') ||
        box.querySelector('input[type="radio"]');
    if (radio && !radio.disabled) radio.focus();
  });

  // Widgets are drawn (and drawn again) after the page loads: name each group as it appears.
  // Only child lists are watched, so the attributes set here do not call this again.
  new MutationObserver(nameAll).observe(document.documentElement, {childList: true, subtree: true});
  nameAll();
})();
