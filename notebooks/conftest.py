"""nbval runs these notebooks with a throw-away case store (kernels inherit SONB_HOME)."""

import os
import tempfile

os.environ["SONB_HOME"] = tempfile.mkdtemp(prefix="sonb-nbval-")
