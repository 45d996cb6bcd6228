package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"vepkb/generator/internal/content"
)

// Print is one printable document: a guide with its chapters in reading
// order, or the whole knowledge base. Package printdoc makes them; the
// theme's print layout renders them (the print view, which Chromium turns
// into the PDF).
type Print struct {
	Key     string // guide folder, or "" for the whole knowledge base
	URL     string // site path of the print view ("/safeguards/print/")
	PDF     string // site path of its PDF ("/safeguards/safeguards.pdf")
	Title   string
	Summary string
	Guide   *content.Page // nil for the whole knowledge base
	Lastmod time.Time     // newest last-updated date of its pages
	Online  string        // absolute URL of the online version
	Parts   []*PrintPart
	TOC     []*TOCEntry
	// Paper and Margins are the page's CSS size ("A4", "letter") and margins.
	Paper, Margins string
}

// PrintPart is one page of the document.
type PrintPart struct {
	ID      string // id of the part's first element, also the prefix of its ids ("p3" → "p3-…")
	Page    *content.Page
	Title   string
	Header  string // running header on its pages
	Level   int    // 1: a guide (in the whole knowledge base) or a standalone page; 2: a chapter
	Content template.HTML
}

// TOCEntry is a line of the document's table of contents.
type TOCEntry struct {
	ID    string // target id in the document
	Text  string
	Level int // 1 guide, 2 chapter, 3 section
	Page  int // page number, once known (0 before the first print)
}

// PageName is the CSS named page of a part, which carries its header.
func (p *PrintPart) PageName() string { return "part-" + p.ID }

// PageCSS is the print view's own style sheet: paper, margins, the footer
// and, per part, a named page whose header shows the part's title.
func (pr *Print) PageCSS(t *Theme) []byte {
	var b strings.Builder
	footer := cssContent(t.Strings.MustT("print.page_of", "page", "\x00page\x00", "pages", "\x00pages\x00"))
	const box = `font-family:"Noto Sans","DejaVu Sans",sans-serif;font-size:8.5pt;color:#333`
	fmt.Fprintf(&b, "@page{size:%s;margin:%s;@bottom-center{content:%s;%s}}\n", pr.Paper, pr.Margins, footer, box)
	b.WriteString("@page cover{@bottom-center{content:none}@top-center{content:none}}\n")
	fmt.Fprintf(&b, ".print-view .footnotes::before{content:%s}\n", cssString(t.Strings.MustT("print.notes")))
	for _, p := range pr.Parts {
		fmt.Fprintf(&b, "@page %s{@top-center{content:%s;%s}}\n.part-%s{page:%s}\n", p.PageName(), cssString(p.Header), box, p.ID, p.PageName())
	}
	return []byte(b.String())
}

// cssContent turns a translated string with \x00page\x00 and \x00pages\x00
// markers into a CSS content value with the page counters.
func cssContent(s string) string {
	var parts []string
	for i, piece := range strings.Split(s, "\x00") {
		switch {
		case i%2 == 1 && piece == "page":
			parts = append(parts, "counter(page)")
		case i%2 == 1 && piece == "pages":
			parts = append(parts, "counter(pages)")
		case piece != "":
			parts = append(parts, cssString(piece))
		}
	}
	return strings.Join(parts, " ")
}

// cssString quotes s as a CSS string.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\` + strconv.FormatInt(int64(r), 16) + " ")
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// CSSURL is the site path of the print view's page style sheet.
func (pr *Print) CSSURL() string { return pr.URL + "pages.css" }

// RenderPrint renders the print view of pr with the theme's print layout.
func (t *Theme) RenderPrint(sd *SiteData, pr *Print) ([]byte, error) {
	return t.Execute("print", &Data{Site: sd, Kind: "print", Page: pr.Guide, Title: pr.Title, URL: pr.URL,
		Permalink: t.cfg.AbsURL(pr.URL), Print: pr})
}

// SearchStrings is the search script's text in the site's language (the
// theme's search.* strings), as JSON, and its fingerprinted site path: the
// script fetches it with the engine, when a reader starts to search.
// It is worked out once (each page's template asks for it; at 10,000 pages
// that was 1% of a build).
func (t *Theme) SearchStrings() (url string, data []byte) {
	t.searchOnce.Do(func() {
		t.searchStrings, _ = json.Marshal(map[string]any{"lang": t.cfg.LanguageCode, "strings": t.Strings.Export("search.")})
		sum := sha256.Sum256(t.searchStrings)
		t.searchURL = "/assets/search/strings." + hex.EncodeToString(sum[:5]) + ".json"
	})
	return t.searchURL, t.searchStrings
}

// PDFFile is a PDF the build made (or, in the preview, makes on request).
type PDFFile struct {
	URL   string // site path
	Pages int    // 0 when not known yet (the preview)
	Bytes int64
}

// Size is the file size for people: "1.1 MB", "640 KB".
func (f *PDFFile) Size() string { return FileSize(f.Bytes) }

// FileSize is a size in bytes for people: "1.1 MB", "640 KB", "12 B".
func FileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
