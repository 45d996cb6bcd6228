package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"vepkb/generator/internal/content"
	"vepkb/generator/internal/frontmatter"
)

func page(body string) *content.Page {
	return &content.Page{Path: "content/g/p.md", Rel: "g/p.md", URL: "/g/p/", BodyLine: 5,
		Meta: &frontmatter.Meta{Title: "P"}, Body: []byte(body)}
}

// english is the theme's English text of the package's keys.
var english = map[string]string{
	"heading.permalink": "Link to this section: {title}",
	"callout.note":      "Note",
	"callout.tip":       "Tip",
	"callout.important": "Important",
	"callout.warning":   "Warning",
	"callout.caution":   "Caution",
	"table.scrolls":     "Table {number} (scrolls sideways)",
}

// textFrom returns an Options.Text backed by m, filling {name} placeholders.
func textFrom(m map[string]string) func(string, ...any) string {
	return func(key string, args ...any) string {
		s, ok := m[key]
		if !ok {
			return "MISSING " + key
		}
		for i := 0; i+1 < len(args); i += 2 {
			s = strings.ReplaceAll(s, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
		}
		return s
	}
}

func render(t *testing.T, opts Options, body string, resolve Resolver) (*content.Doc, []string) {
	t.Helper()
	if opts.TOCLevels == nil {
		opts.TOCLevels = []int{2, 3}
	}
	if opts.Text == nil {
		opts.Text = textFrom(english)
	}
	doc, ds := New(opts).Render(page(body), resolve)
	var errs []string
	for _, d := range ds {
		errs = append(errs, d.Error())
	}
	return doc, errs
}

func TestHTML(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		body string
		want []string // substrings of the HTML
		not  []string // must not appear
	}{
		{"heading id and permalink", Options{}, "## Why it matters\n",
			[]string{`<h2 id="why-it-matters">Why it matters <a class="anchor" href="#why-it-matters" aria-label="Link to this section: Why it matters"><span aria-hidden="true">#</span></a></h2>`}, nil},
		{"duplicate headings get suffixes", Options{}, "## A\n\n## A\n\n### A\n",
			[]string{`id="a"`, `id="a-1"`, `id="a-2"`}, nil},
		{"explicit id wins over later auto id", Options{}, "## Intro\n\n## Other {#intro}\n",
			[]string{`id="intro-1">Intro`, `id="intro">Other`}, nil},
		{"non-latin heading", Options{}, "## Дерадикализация и ресоциализация\n\n## إعادة الإدماج\n",
			[]string{`id="дерадикализация-и-ресоциализация"`, `id="إعادة-الإدماج"`}, nil},
		{"punctuation-only heading", Options{}, "## ???\n", []string{`id="section"`}, nil},
		{"reserved id", Options{}, "## Main\n", []string{`id="main-1"`}, nil},
		{"heading with markup", Options{}, "## The *4Ps* and `code`\n", []string{`id="the-4ps-and-code"`}, nil},
		{"attribute class", Options{}, "## Title {#custom .wide}\n", []string{`id="custom"`, `class="wide"`}, nil},
		{"note callout", Options{}, "> [!NOTE]\n> Read this.\n",
			[]string{`<aside class="callout callout-note" role="note" aria-label="Note">`, `<p class="callout-title"><span class="callout-icon" aria-hidden="true"></span>Note</p>`, `<p>Read this.</p>`},
			[]string{"[!NOTE]", "<blockquote>"}},
		{"callout kinds and custom title", Options{}, "> [!warning] Do not share case files\n> Body text.\n\n> [!TIP]\n> T\n\n> [!IMPORTANT]\n> I\n\n> [!CAUTION]\n> C\n",
			[]string{`callout-warning`, `aria-label="Warning"`, `Do not share case files</p>`, `callout-tip`, `callout-important`, `callout-caution`}, []string{"[!"}},
		{"unknown marker stays a quote", Options{}, "> [!FOO]\n> x\n", []string{"<blockquote>", "[!FOO]"}, []string{"callout"}},
		{"plain quote", Options{}, "> Just a quote\n", []string{"<blockquote>"}, []string{"callout"}},
		{"highlighted code uses classes", Options{}, "```go\nfunc main() {}\n```\n",
			[]string{`<div class="highlight" data-lang="go"><pre class="chroma" tabindex="0"><code>`, `<span class="kd">func</span>`}, []string{"style="}},
		{"unknown language", Options{}, "```nosuchlang\n<b>x</b>\n```\n", []string{`<pre class="chroma" tabindex="0"><code>&lt;b&gt;x&lt;/b&gt;`}, []string{"style="}},
		{"raw html escaped by default", Options{}, "<script>alert(1)</script>\n\nText <b onclick=\"x()\">bold</b>\n",
			nil, []string{"<script>", "<b onclick"}},
		{"unsafe raw html passes but not javascript", Options{Unsafe: true}, "<a href=\"javascript:alert(1)\" onclick=\"x()\">x</a>\n\n<div><a href='JaVaScRiPt:evil()'>y</a></div>\n",
			[]string{`<a href="#blocked:alert(1)"`, "data-blocked-on=", "<div>"}, []string{"javascript:", "JaVaScRiPt:", " onclick="}},
		{"gfm table wrapped", Options{}, "| a | b |\n|---|---|\n| 1 | 2 |\n",
			[]string{`<div class="table-wrap" tabindex="0" role="region"`, "<table>", "<td>1</td>"}, nil},
		{"table alignment without inline styles", Options{}, "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
			[]string{`<th align="left">a</th>`, `<td align="right">2</td>`}, []string{"style="}},
		{"strikethrough, task list, autolink", Options{}, "~~old~~ and https://example.org\n\n- [x] done\n",
			[]string{"<del>old</del>", `<a href="https://example.org">`, `type="checkbox"`}, nil},
		{"footnotes", Options{}, "Text.[^1]\n\n[^1]: Rule 43.\n", []string{`id="fn:1"`, `href="#fn:1"`}, nil},
		{"definition list term ids", Options{}, "P/CVE\n: Preventing and countering.\n\nDynamic security\n: Contact.\n",
			[]string{`<dt id="pcve">P/CVE</dt>`, `<dt id="dynamic-security">`}, nil},
		{"typographer", Options{Typographer: true}, "\"Quote\" -- dash --- and...\n", []string{"&ldquo;Quote&rdquo;", "&ndash;", "&mdash;", "&hellip;"}, nil},
		{"no typographer", Options{}, "\"Quote\"\n", []string{"&quot;Quote&quot;"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := render(t, tt.opts, tt.body, nil)
			html := string(doc.HTML)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("missing %q in\n%s", w, html)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(html, n) {
					t.Errorf("unexpected %q in\n%s", n, html)
				}
			}
		})
	}
}

func TestTOCSectionsAnchors(t *testing.T) {
	body := "Intro text here.\n\n## First\n\nAlpha words.\n\n### Sub\n\nBeta.\n\n#### Deep\n\nGamma.\n\n## Second\n\nDelta.[^n]\n\n[^n]: Note text.\n\nTerm\n: Def.\n\nOther term\n: Its def.\n\nAfter the list.\n"
	doc, errs := render(t, Options{}, body, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var toc []string
	for _, h := range doc.TOC {
		toc = append(toc, h.ID)
	}
	if strings.Join(toc, ",") != "first,sub,second" {
		t.Errorf("TOC = %v", toc)
	}
	if len(doc.Headings) != 4 {
		t.Errorf("headings = %v", doc.Headings)
	}
	var secs []string
	for _, s := range doc.Sections {
		secs = append(secs, s.ID+"="+strings.ReplaceAll(s.Text, "\n", "|"))
	}
	// Each defined term is a section; text after the list is its enclosing section's.
	want := "=Intro text here.;first=Alpha words.;sub=Beta.|Deep|Gamma.;second=Delta.|After the list.;term=Def.;other-term=Its def."
	if strings.Join(secs, ";") != want {
		t.Errorf("sections = %q\nwant %q", strings.Join(secs, ";"), want)
	}
	for _, a := range []string{"first", "sub", "deep", "second", "term", "fn:1"} {
		if !doc.Anchors[a] {
			t.Errorf("anchor %q missing from %v", a, doc.Anchors)
		}
	}
	if doc.Excerpt != "Intro text here." {
		t.Errorf("excerpt = %q", doc.Excerpt)
	}
}

func TestLinksResolvedWithPositions(t *testing.T) {
	body := "Line one.\n\nSee [the guide](../x.md#a) and ![map](img/m.png).\n\n- item [bad](missing.md)\n"
	var calls []string
	resolve := func(p *content.Page, dest string, image bool) (string, *content.Link, error) {
		calls = append(calls, dest)
		if dest == "missing.md" {
			return "", nil, errors.New("broken link")
		}
		return "/resolved/" + dest, &content.Link{Anchor: "a"}, nil
	}
	doc, errs := render(t, Options{}, body, resolve)
	if len(calls) != 3 {
		t.Fatalf("resolver calls = %v", calls)
	}
	// Body starts on file line 5: "See [" is on body line 3 → file line 7, column 5.
	if len(doc.Links) != 2 || doc.Links[0].Line != 7 || doc.Links[0].Col != 5 || doc.Links[1].Col != 32 || !doc.Links[1].Image {
		t.Errorf("links = %+v", doc.Links)
	}
	if len(errs) != 1 || errs[0] != "content/g/p.md:9:8: broken link" {
		t.Errorf("errors = %v", errs)
	}
	if !strings.Contains(string(doc.HTML), `href="/resolved/../x.md#a"`) {
		t.Errorf("destination not rewritten: %s", doc.HTML)
	}
}

func TestDangerousLinkDropped(t *testing.T) {
	doc, errs := render(t, Options{Unsafe: true}, "[x](javascript:alert(1))\n", nil)
	if strings.Contains(string(doc.HTML), "javascript:") {
		t.Errorf("javascript URL kept: %s", doc.HTML)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "unsafe URL") {
		t.Errorf("errors = %v", errs)
	}
}

func TestDuplicateExplicitID(t *testing.T) {
	_, errs := render(t, Options{}, "## A {#x}\n\n## B {#x}\n", nil)
	if len(errs) != 1 || !regexp.MustCompile(`p.md:7:\d+: duplicate id "x"`).MatchString(errs[0]) {
		t.Errorf("errors = %v", errs)
	}
}

func TestPathologicalInput(t *testing.T) {
	deep := strings.Repeat(">", 5000) + " x\n" + strings.Repeat("- ", 3000) + "y\n" + strings.Repeat("[", 20000) + strings.Repeat("*a", 20000)
	doc, _ := render(t, Options{}, deep, nil)
	if doc == nil || len(doc.HTML) == 0 {
		t.Fatal("no output")
	}
}

func TestChromaCSS(t *testing.T) {
	css, err := ChromaCSS("github", "github-dark")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(css, ".chroma") || !strings.Contains(css, "@media screen and (prefers-color-scheme: dark)") { // print is always light
		t.Errorf("css: %.200s", css)
	}
	if _, err := ChromaCSS("nope", "github-dark"); err == nil {
		t.Error("unknown style accepted")
	}
}

func TestTextTranslated(t *testing.T) {
	fr := map[string]string{
		"heading.permalink": "Lien vers « {title} »",
		"callout.note":      "Remarque",
		"callout.tip":       "Conseil",
		"callout.important": "Important",
		"callout.warning":   "Attention",
		"callout.caution":   "Prudence",
		"table.scrolls":     "Tableau (défile \"latéralement\")",
	}
	body := "## Pourquoi <b>ça</b> & ça\n\n> [!NOTE]\n> Lire.\n\n> [!WARNING] Titre\n> x\n\n| a |\n|---|\n| 1 |\n"
	doc, _ := render(t, Options{Text: textFrom(fr)}, body, nil)
	html := string(doc.HTML)
	for _, w := range []string{
		`aria-label="Lien vers « Pourquoi ça &amp; ça »"`,
		`aria-label="Remarque">`, `</span>Remarque</p>`,
		`aria-label="Attention">`, `</span>Titre</p>`,
		`aria-label="Tableau (défile &#34;latéralement&#34;)">`,
	} {
		if !strings.Contains(html, w) {
			t.Errorf("missing %q in\n%s", w, html)
		}
	}
	for _, n := range []string{"Note", "Warning", "Link to", "scrolls"} {
		if strings.Contains(html, n) {
			t.Errorf("English %q in\n%s", n, html)
		}
	}
}

func TestTextNilWritesKeys(t *testing.T) {
	body := "## A\n\n> [!TIP]\n> x\n\n| a |\n|---|\n| 1 |\n"
	doc, _ := New(Options{}).Render(page(body), nil)
	html := string(doc.HTML)
	for _, w := range []string{`aria-label="heading.permalink"`, `aria-label="callout.tip">`, `</span>callout.tip</p>`, `aria-label="table.scrolls"`} {
		if !strings.Contains(html, w) {
			t.Errorf("missing %q in\n%s", w, html)
		}
	}
}

func TestRenderWithPrefixAndHref(t *testing.T) {
	body := "## Intro\n\nSee [below](#gp-3-2), [self](p.md#intro), [other](../o.md#x), [file](img/m.pdf), ![map](img/m.png) and https://example.org.[^1]\n\n" +
		"### GP 3.2 {#gp-3-2}\n\nTerm\n: Def.\n\n[^1]: Note.\n"
	p := page(body)
	other := &content.Page{Rel: "o.md", URL: "/o/"}
	resolve := func(_ *content.Page, dest string, image bool) (string, *content.Link, error) {
		if strings.HasPrefix(dest, "https:") {
			return dest, nil, nil
		}
		if strings.HasPrefix(dest, "#") {
			return dest, &content.Link{Target: p, Anchor: dest[1:]}, nil
		}
		switch dest {
		case "p.md#intro":
			return "/g/p/#intro", &content.Link{Target: p, Anchor: "intro"}, nil
		case "../o.md#x":
			return "/o/#x", &content.Link{Target: other, Anchor: "x"}, nil
		}
		return "/g/" + dest, &content.Link{}, nil
	}
	var got []string
	href := func(l *content.Link, siteURL string) string {
		got = append(got, fmt.Sprintf("%s|%s|%v|%d", l.Dest, siteURL, l.Image, l.Line))
		switch {
		case l.Target == p:
			return "#c2-" + l.Anchor
		case l.Target == other:
			return "#c3-" + l.Anchor
		}
		return "https://kb.example" + siteURL
	}
	r := New(Options{Text: textFrom(english), TOCLevels: []int{2, 3}})
	doc, ds := r.RenderWith(p, resolve, RenderOptions{IDPrefix: "c2-", Href: href})
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	html := string(doc.HTML)
	for _, w := range []string{
		`<h2 id="c2-intro">Intro <a class="anchor" href="#c2-intro"`,
		`<h3 id="c2-gp-3-2">`, `href="#c2-gp-3-2"`,
		`<a href="#c2-gp-3-2">below</a>`, `<a href="#c2-intro">self</a>`, `<a href="#c3-x">other</a>`,
		`<a href="https://kb.example/g/img/m.pdf">file</a>`, `<img src="https://kb.example/g/img/m.png" alt="map">`,
		`<a href="https://example.org">`,
		`<dt id="c2-term">`,
		`<sup id="c2-fnref:1"><a href="#c2-fn:1"`, `<li id="c2-fn:1">`, `<a href="#c2-fnref:1" class="footnote-backref"`,
	} {
		if !strings.Contains(html, w) {
			t.Errorf("missing %q in\n%s", w, html)
		}
	}
	if regexp.MustCompile(`(id|href)="#?(intro|gp-3-2|term|fn:1|fnref:1)"`).MatchString(html) {
		t.Errorf("unprefixed id or link in\n%s", html)
	}
	if want := "p.md#intro|/g/p/#intro|false|7 ../o.md#x|/o/#x|false|7 img/m.pdf|/g/img/m.pdf|false|7 img/m.png|/g/img/m.png|true|7"; strings.Join(got, " ") != want {
		t.Errorf("Href calls = %q\nwant %q", strings.Join(got, " "), want)
	}
	var ids []string
	for _, h := range doc.Headings {
		ids = append(ids, h.ID)
	}
	for _, h := range doc.TOC {
		ids = append(ids, h.ID)
	}
	for _, s := range doc.Sections {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, ",") != "c2-intro,c2-gp-3-2,c2-intro,c2-gp-3-2,c2-intro,c2-gp-3-2,c2-term" {
		t.Errorf("heading, TOC and section ids = %v", ids)
	}
	for _, a := range []string{"c2-intro", "c2-gp-3-2", "c2-term", "c2-fn:1"} {
		if !doc.Anchors[a] {
			t.Errorf("anchor %q missing from %v", a, doc.Anchors)
		}
	}
	if len(doc.Anchors) != 4 {
		t.Errorf("anchors = %v", doc.Anchors)
	}
	if doc.Links[0].Anchor != "gp-3-2" {
		t.Errorf("link anchor = %q, want the target's own", doc.Links[0].Anchor)
	}

	// The same Renderer without options renders as Render, also afterwards.
	plain, _ := r.Render(page(body), resolve)
	zero, _ := r.RenderWith(page(body), resolve, RenderOptions{})
	if plain.HTML != zero.HTML || strings.Contains(string(plain.HTML), "c2-") || !strings.Contains(string(plain.HTML), `<li id="fn:1">`) {
		t.Errorf("zero options differ from Render:\n%s\n%s", plain.HTML, zero.HTML)
	}
}

// Each extension works on its own in a plain goldmark instance.
func TestExtendersStandalone(t *testing.T) {
	text := textFrom(english)
	tests := []struct {
		ext  goldmark.Extender
		body string
		want string
	}{
		{Callouts{Text: text}, "> [!TIP]\n> x\n", `<aside class="callout callout-tip" role="note" aria-label="Tip">`},
		{TableWrapping{Text: text}, "| a |\n|---|\n| 1 |\n", `<div class="table-wrap" tabindex="0" role="region" aria-label="Table 1 (scrolls sideways)">` + "\n<table>"},
		{Highlighting{}, "```go\nvar x\n```\n", `<div class="highlight" data-lang="go">`},
		{SafeRawHTML{}, "<b onclick=\"x()\">b</b>\n", `<b data-blocked-on="x()">b</b>`},
	}
	for _, tt := range tests {
		md := goldmark.New(goldmark.WithExtensions(extension.Table, tt.ext))
		var b bytes.Buffer
		if err := md.Convert([]byte(tt.body), &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tt.want) {
			t.Errorf("%T: missing %q in\n%s", tt.ext, tt.want, b.String())
		}
	}
}

// TestEmptyHeaderCell: the empty corner of a table's header row is a td (a
// th with no text names nothing); other cells render as goldmark's do.
func TestEmptyHeaderCell(t *testing.T) {
	doc, _ := render(t, Options{}, "|   | Risk | Safeguard |\n|---|:---:|---|\n| Staff | a | b |\n", nil)
	got := string(doc.HTML)
	for _, want := range []string{"<td></td>\n<th align=\"center\">Risk</th>\n<th>Safeguard</th>", "<td>Staff</td>"} {
		if !strings.Contains(got, want) {
			t.Errorf("HTML lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<th></th>") {
		t.Error("an empty header cell is a th")
	}
}

// TestTableRegionsNamed: each table's scroll region is a landmark with a
// name of its own (its number on the page).
func TestTableRegionsNamed(t *testing.T) {
	doc, _ := render(t, Options{}, "| a |\n|---|\n| 1 |\n\ntext\n\n| b |\n|---|\n| 2 |\n", nil)
	got := string(doc.HTML)
	for _, want := range []string{`aria-label="Table 1 (scrolls sideways)"`, `aria-label="Table 2 (scrolls sideways)"`} {
		if !strings.Contains(got, want) {
			t.Errorf("HTML lacks %q:\n%s", want, got)
		}
	}
}
