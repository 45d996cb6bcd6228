package render

import (
	"golang.org/x/text/cases"
	"golang.org/x/text/language"

	"vepkb/generator/internal/config"
	"vepkb/generator/internal/content"
	"vepkb/generator/internal/i18n"
)

// Output is one kind of output a build makes besides the pages of content:
// either HTML pages rendered by a layout of the theme, or a file the
// generator writes itself. Outputs lists them all; adding an output is
// adding an entry there (and, for HTML, a layout).
type Output struct {
	Name string
	// Layout is the theme layout (layouts/<Layout>.html) that renders the
	// output's pages; "" for files the generator writes itself.
	Layout string
	// Optional outputs are left out when the theme has no layout for them;
	// a link to one is then a broken link like any other.
	Optional bool
	// Enabled reports whether the configuration asks for the output (nil:
	// always).
	Enabled func(*config.Config) bool
	// Pages lists the output's pages (HTML outputs).
	Pages func(g *Gen) []*Data
	// Files lists the files of an output the generator writes itself.
	Files func(g *Gen) []GenFile
}

// GenFile is a generated file: its site path and how to make its bytes
// (nil Bytes: listed, but written by someone else, as PDFs in the preview).
type GenFile struct {
	Path  string
	Bytes func() []byte
}

func oneFile(path string, bytes func(g *Gen) []byte) func(g *Gen) []GenFile {
	return func(g *Gen) []GenFile { return []GenFile{{path, func() []byte { return bytes(g) }}} }
}

// Gen is what an output needs to list and render its pages.
type Gen struct {
	Site    *content.Site
	Config  *config.Config
	Strings *i18n.Strings
	Data    *SiteData // nil when only the URLs are wanted
	Theme   *Theme
	// Prints are the documents of the print views and PDFs; PDFData the
	// bytes of each document's PDF by Print.Key, when made.
	Prints  []*Print
	PDFData map[string][]byte
}

// Outputs are every generated output, in the order they are rendered.
var Outputs = []Output{
	{Name: "taxonomy", Layout: "taxonomy", Optional: true, Pages: taxonomyPages},
	{Name: "term", Layout: "term", Optional: true, Pages: termPages},
	{Name: "search", Layout: "search", Optional: true, Enabled: (*config.Config).SearchEnabled, Pages: searchPage},
	{Name: "404", Layout: "404", Optional: true, Pages: notFoundPage},
	{Name: "print", Layout: "print", Optional: true, Enabled: (*config.Config).PDFEnabled, Pages: printPages},
	{Name: "print-css", Enabled: (*config.Config).PDFEnabled, Files: printCSS},
	{Name: "pdf", Enabled: (*config.Config).PDFEnabled, Files: pdfFiles},
	{Name: "search-strings", Enabled: (*config.Config).SearchEnabled, Files: func(g *Gen) []GenFile {
		u, data := g.Theme.SearchStrings()
		return []GenFile{{u, func() []byte { return data }}}
	}},
	{Name: "sitemap", Enabled: (*config.Config).SitemapEnabled, Files: oneFile("/sitemap.xml", func(g *Gen) []byte { return Sitemap(g.Site, g.Config) })},
	{Name: "feed", Enabled: (*config.Config).FeedEnabled, Files: oneFile("/atom.xml", func(g *Gen) []byte { return Feed(g.Site, g.Config) })},
	{Name: "robots", Files: oneFile("/robots.txt", robots)},
	// The offline copy is written by the build after every other file
	// (package filecopy); it is listed here so that links to it resolve.
	{Name: "offline-copy", Enabled: (*config.Config).OfflineCopyEnabled, Files: func(g *Gen) []GenFile {
		return []GenFile{{Path: g.Config.OfflineCopyPath()}}
	}},
}

// ContentLayouts are the layouts of content pages, by kind; every theme
// needs them. "alias" renders the redirect pages of a page's aliases.
var ContentLayouts = []string{"home", "section", "page", "alias"}

// made reports whether the output is made for this configuration and theme.
func (o *Output) made(cfg *config.Config, theme *Theme) bool {
	if o.Enabled != nil && !o.Enabled(cfg) {
		return false
	}
	return o.Layout == "" || !o.Optional || theme.HasLayout(o.Layout)
}

// GeneratedURLs lists the site paths of the outputs the renderer makes
// besides content pages (derived from Outputs).
func GeneratedURLs(site *content.Site, cfg *config.Config, theme *Theme, prints []*Print) map[string]bool {
	g := &Gen{Site: site, Config: cfg, Strings: theme.Strings, Theme: theme, Prints: prints}
	m := map[string]bool{}
	for i := range Outputs {
		o := &Outputs[i]
		if !o.made(cfg, theme) {
			continue
		}
		if o.Files != nil {
			for _, f := range o.Files(g) {
				m[f.Path] = true
			}
			continue
		}
		for _, d := range o.Pages(g) {
			m[d.URL] = true
		}
	}
	return m
}

func printPages(g *Gen) []*Data {
	var out []*Data
	for _, pr := range g.Prints {
		out = append(out, &Data{Site: g.Data, Kind: "print", Page: pr.Guide, Title: pr.Title, URL: pr.URL,
			Permalink: g.Config.AbsURL(pr.URL), Print: pr})
	}
	return out
}

func printCSS(g *Gen) []GenFile {
	var out []GenFile
	for _, pr := range g.Prints {
		out = append(out, GenFile{pr.CSSURL(), func() []byte { return pr.PageCSS(g.Theme) }})
	}
	return out
}

func pdfFiles(g *Gen) []GenFile {
	var out []GenFile
	for _, pr := range g.Prints {
		f := GenFile{Path: pr.PDF}
		if data, ok := g.PDFData[pr.Key]; ok {
			f.Bytes = func() []byte { return data }
		}
		out = append(out, f)
	}
	return out
}

func taxonomyPages(g *Gen) []*Data {
	var out []*Data
	cfg, tr := g.Config, g.Strings
	for _, t := range g.Site.Taxonomies {
		out = append(out, &Data{Site: g.Data, Kind: "taxonomy", Taxonomy: t, Title: t.Title,
			Description: tr.MustT("taxonomy.description", "taxonomy", t.Title, "site", cfg.Title),
			URL:         t.URL, Permalink: cfg.AbsURL(t.URL), Breadcrumbs: []Crumb{homeCrumb(g.Site)}})
	}
	return out
}

func termPages(g *Gen) []*Data {
	var out []*Data
	cfg, tr := g.Config, g.Strings
	lower := cases.Lower(language.Make(cfg.LanguageCode))
	for _, t := range g.Site.Taxonomies {
		for _, term := range t.Terms {
			out = append(out, &Data{Site: g.Data, Kind: "term", Taxonomy: t, Term: term, Title: term.Name,
				Description: tr.MustT("term.description", "taxonomy", lower.String(t.Title), "term", term.Name),
				URL:         term.URL, Permalink: cfg.AbsURL(term.URL),
				Breadcrumbs: []Crumb{homeCrumb(g.Site), {Title: t.Title, URL: t.URL}}})
		}
	}
	return out
}

func searchPage(g *Gen) []*Data {
	cfg, tr := g.Config, g.Strings
	return []*Data{{Site: g.Data, Kind: "search", Title: tr.MustT("search.title"), URL: "/search/", Permalink: cfg.AbsURL("/search/"),
		Description: tr.MustT("search.description", "site", cfg.Title), Breadcrumbs: []Crumb{homeCrumb(g.Site)}}}
}

func notFoundPage(g *Gen) []*Data {
	return []*Data{{Site: g.Data, Kind: "404", Title: g.Strings.MustT("not_found.title"), URL: "/404.html", Permalink: g.Config.AbsURL("/404.html")}}
}

func homeCrumb(site *content.Site) Crumb { return Crumb{Title: site.Home.Title(), URL: "/"} }

func robots(g *Gen) []byte {
	s := "User-agent: *\nAllow: /\n"
	if g.Config.SitemapEnabled() {
		s += "Sitemap: " + g.Config.AbsURL("/sitemap.xml") + "\n"
	}
	return []byte(s)
}
