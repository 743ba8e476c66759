"""What keeps student-controlled bytes inert in every page and file the course writes.

A student controls much of what the instructor and the student open in a
browser: markdown cells (which may hold any HTML), code, outputs, cell and
notebook metadata, file names, exception messages that become failure
messages. Three rules, one per kind of content:

* HTML that a student wrote (a feedback page's body: rendered markdown,
  outputs, nbgrader's cell labels around them) passes an allow-list
  sanitiser, nh3 (:func:`clean`): only text markup, tables, links to web
  pages and inline raster images survive; scripts, event handlers, styles,
  forms, frames, objects, ``<base>``, ``<meta>``, SVG and MathML do not.
* Plain text in a page the course builds itself (report, similarity pages,
  a failure page) is escaped (:func:`text`).
* Plain text in markdown (``summary.md``) is escaped for markdown
  (:func:`markdown_text`), so it can add neither HTML nor links nor images.

Every page also carries a Content-Security-Policy (:data:`POLICY`) that
forbids scripts, frames, plugins, forms and fetching anything but inline
images, should an escape ever be missed.
"""
import html
import re

import nh3

POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
          "form-action 'none'; base-uri 'none'")
POLICY_META = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div", "dl",
    "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
    "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "var",
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style"},
}
STYLE_PROPERTIES = {"text-align"}  # how markdown aligns a table's columns
URL_SCHEMES = {"http", "https", "mailto", "data"}  # data: only for images, see _url_allowed
IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")


def _url_allowed(element, attribute, value):
    """nh3's last word on each attribute: a ``data:`` URL only as an image's source, and only a raster image
    (an SVG or an HTML document in a ``data:`` URL can carry script)."""
    if value.lower().lstrip().startswith("data:") and not (
            element == "img" and attribute == "src" and IMAGE_DATA.match(value.strip())):
        return None
    return value


def clean(fragment):
    """``fragment`` (HTML that a student controls, in part or whole) with only the allow-list's markup left."""
    return nh3.clean(fragment, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_url_allowed, link_rel=None,
                     url_schemes=URL_SCHEMES, filter_style_properties=STYLE_PROPERTIES)


def text(value):
    """``value`` as text in a page: every character that HTML reads as markup escaped."""
    return html.escape(str(value))


def with_policy(page):
    """``page`` (a whole HTML document) with the policy first in its head, before anything it governs."""
    start = page.index("<head>") + len("<head>")
    return page[:start] + POLICY_META + page[start:]


HEAD_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)


def sanitized_page(page):
    """A whole HTML document whose head a template wrote from trusted values alone (title, styles)
    and whose body holds student work: the body cleaned, the policy added, the head's scripts
    (MathJax, which the policy would block anyway) left out."""
    head, body = page.split("<body", 1)
    body = body[body.index(">") + 1:]
    return with_policy(HEAD_SCRIPT.sub("", head)) + "<body>\n" + clean(body) + "\n</body>\n</html>\n"


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&!|~#])")


def markdown_text(value):
    """``value`` as one line of plain text in markdown: no HTML, link, image, emphasis or new block."""
    one_line = " ".join(str(value).split())
    return MARKDOWN_SPECIAL.sub(r"\\\1", one_line)
