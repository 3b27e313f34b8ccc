/* sonb: the page's lang attribute follows the language the app shows.
 *
 * The app (widgets/app.py) puts <span hidden data-sonb-lang="es"> in its title; this script
 * copies that code to <html lang>, so screen readers, spell checkers and hyphenation use the
 * right language. Before the app is drawn, the address's ?lang= decides. Keep it free of
 * Jinja markup: the template includes it as text.
 */
(function () {
  "use strict";
  var known = { en: true, es: true };

  function set(lang) {
    if (known[lang] && document.documentElement.lang !== lang) document.documentElement.lang = lang;
  }

  var asked = new URLSearchParams(window.location.search).get("lang");
  if (asked) set(asked);
  function follow() {
    var marks = document.querySelectorAll("[data-sonb-lang]");
    if (marks.length) set(marks[marks.length - 1].getAttribute("data-sonb-lang"));
  }
  new MutationObserver(follow).observe(document.documentElement,
                                        { subtree: true, childList: true, attributes: true,
                                          attributeFilter: ["data-sonb-lang"] });
})();
