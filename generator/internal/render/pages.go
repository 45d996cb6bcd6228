package render

import (
	"context"
	"encoding/xml"
	"html/template"
	"sort"
	"strings"
	"time"

	"vepkb/generator/internal/config"
	"vepkb/generator/internal/content"
	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/par"
)

// Writer receives output files. Paths are slash-separated and relative to the
// output root ("guide/chapter/index.html"). Implementations must be safe for
// concurrent use.
type Writer interface {
	WriteFile(rel string, data []byte) error
	CopyFile(rel, src string) error
}

// SiteData is what templates see as .Site.
type SiteData struct {
	Title        string
	Description  string
	LanguageCode string
	Copyright    string
	Params       map[string]any
	Menu         []config.MenuItem
	Home         *content.Page
	Guides       []*content.Page
	Standalone   []*content.Page
	Taxonomies   []*content.Taxonomy
	Content      *content.Site
	Config       *config.Config
	FeedURL      string      // site path of the Atom feed, or "" when off
	Search       SearchFiles // empty when search is off
	// PDFs are the guides' PDFs by guide folder, and the whole knowledge
	// base's under "" (empty when PDFs are off).
	PDFs map[string]*PDFFile
	// Offline is set when pages offer to keep the site on the device.
	Offline bool
	// OfflineCopy is the downloadable copy of the site, or nil.
	OfflineCopy *Download
}

// Download is a file offered for download with its size, such as the
// offline copy.
type Download struct {
	URL  string // site path
	Size string // for people ("12.3 MB")
}

// WholePDF is the PDF of the whole knowledge base, or nil.
func (s *SiteData) WholePDF() *PDFFile { return s.PDFs[""] }

// SearchFiles are the site paths of what the search needs in the browser.
type SearchFiles struct {
	Index   string // the index manifest
	Engine  string // the WebAssembly engine
	Runtime string // Go's wasm_exec.js
}

// Taxonomy returns the taxonomy with the plural name, or nil.
func (s *SiteData) Taxonomy(name string) *content.Taxonomy {
	for _, t := range s.Taxonomies {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Crumb is one step of a breadcrumb trail.
type Crumb struct {
	Title string
	URL   string // site path
}

// Data is what a layout receives.
type Data struct {
	Site        *SiteData
	Kind        string
	Page        *content.Page // nil for generated pages
	Title       string
	Description string
	URL         string // site path, without the base URL's path
	Permalink   string // absolute URL
	Content     template.HTML
	Breadcrumbs []Crumb
	Taxonomy    *content.Taxonomy
	Term        *content.Term
	Target      string // alias pages: where to go
	Print       *Print // print views: the document
}

// GuidePDF is the PDF of the guide the page belongs to, or nil.
func (d *Data) GuidePDF() *PDFFile {
	if d.Page == nil || d.Page.Guide == nil || d.Site == nil {
		return nil
	}
	return d.Site.PDFs[GuideKey(d.Page.Guide)]
}

// GuideKey is a guide's key among the PDFs: its folder.
func GuideKey(g *content.Page) string { return strings.Trim(g.URL, "/") }

// Terms returns the page's terms of a taxonomy.
func (d *Data) Terms(taxonomy string) []*content.Term {
	if d.Page == nil {
		return nil
	}
	return d.Site.Content.Terms(d.Page, taxonomy)
}

// IsCurrent reports whether p is the page being rendered.
func (d *Data) IsCurrent(p *content.Page) bool { return d.Page == p }

// IsAncestor reports whether p is a section above the page being rendered.
func (d *Data) IsAncestor(p *content.Page) bool {
	return d.Page != nil && d.Page != p && d.Page.InSection(p)
}

// OutputPath returns the output file for a site path ("/a/b/" → "a/b/index.html").
func OutputPath(url string) string {
	u := strings.TrimPrefix(url, "/")
	if u == "" || strings.HasSuffix(u, "/") {
		return u + "index.html"
	}
	return u
}

// Options control page rendering.
type Options struct {
	Workers int
	Search  SearchFiles // set when the search index was built
	// Only, when not nil, limits rendering to the pages with these site
	// paths; site-wide files (sitemap, feed, robots.txt, assets) are then
	// written only when SiteFiles is set. The preview server uses it to
	// render what an edit changed.
	Only      map[string]bool
	SiteFiles bool
	// Prints are the print views' documents (when PDFs are on); PDFs the
	// PDFs made of them, by Print.Key, for the download links; PDFData
	// their bytes, written beside the print views (nil in the preview,
	// which makes PDFs on request).
	Prints  []*Print
	PDFs    map[string]*PDFFile
	PDFData map[string][]byte
	// Offline offers readers to keep the site on their device (builds, not
	// the preview).
	Offline bool
	// OfflineCopy, when set, is linked from the pages (builds that write
	// it; see package filecopy).
	OfflineCopy *Download
}

// NewSiteData is what templates see as .Site for a build with options opt.
func NewSiteData(site *content.Site, cfg *config.Config, opt Options) *SiteData {
	sd := &SiteData{
		Title: cfg.Title, Description: cfg.Description, LanguageCode: cfg.LanguageCode,
		Copyright: cfg.Copyright, Params: cfg.Params, Menu: sortedMenu(cfg.Menu.Main),
		Home: site.Home, Guides: site.Guides, Standalone: site.Standalone,
		Taxonomies: site.Taxonomies, Content: site, Config: cfg,
		Search: opt.Search, PDFs: opt.PDFs, Offline: opt.Offline, OfflineCopy: opt.OfflineCopy,
	}
	if cfg.FeedEnabled() {
		sd.FeedURL = "/atom.xml"
	}
	return sd
}

// Site renders every output of the site through w and returns problems found.
//
// It stops rendering when ctx is done; the caller reports why.
func Site(ctx context.Context, site *content.Site, cfg *config.Config, theme *Theme, w Writer, opt Options) []diag.Diagnostic {
	sd := NewSiteData(site, cfg, opt)
	theme.ResetCache()
	var jobs []job
	page := func(kind string, d *Data) {
		if opt.Only != nil && !opt.Only[d.URL] {
			return
		}
		name := kind + " " + d.URL
		if d.Page != nil {
			name = d.Page.Path
		}
		jobs = append(jobs, job{name, func() error {
			out, err := theme.Execute(kind, d)
			if err != nil {
				return err
			}
			return w.WriteFile(OutputPath(d.URL), out)
		}})
	}
	for _, p := range site.Pages {
		kind := "page"
		switch p.Kind {
		case content.KindHome:
			kind = "home"
		case content.KindSection:
			kind = "section"
		}
		d := &Data{Site: sd, Kind: kind, Page: p, Title: p.Title(), Description: p.Description(),
			URL: p.URL, Permalink: cfg.AbsURL(p.URL), Breadcrumbs: crumbs(p)}
		if p.Doc != nil {
			d.Content = p.Doc.HTML
		}
		page(kind, d)
		for _, a := range p.Meta.Aliases {
			a = content.CleanURL(a)
			page("alias", &Data{Site: sd, Kind: "alias", Page: p, Title: p.Title(), URL: a,
				Permalink: cfg.AbsURL(p.URL), Target: cfg.RelURL(p.URL)})
		}
	}
	g := &Gen{Site: site, Config: cfg, Strings: theme.Strings, Data: sd, Theme: theme, Prints: opt.Prints, PDFData: opt.PDFData}
	for i := range Outputs {
		o := &Outputs[i]
		if o.Pages == nil || !o.made(cfg, theme) {
			continue
		}
		for _, d := range o.Pages(g) {
			page(o.Layout, d)
		}
	}

	var list diag.List
	run(ctx, jobs, opt.Workers, &list)
	if opt.Only != nil && !opt.SiteFiles {
		return list.Sorted()
	}

	// Site-wide files.
	for i := range Outputs {
		o := &Outputs[i]
		if o.Files == nil || !o.made(cfg, theme) {
			continue
		}
		for _, f := range o.Files(g) {
			if f.Bytes == nil {
				continue
			}
			rel := strings.TrimPrefix(f.Path, "/")
			if err := w.WriteFile(rel, f.Bytes()); err != nil {
				list.Add(diag.New(rel, 0, 0, "%v", err))
			}
		}
	}
	for _, a := range theme.Assets() {
		if err := w.WriteFile(strings.TrimPrefix(a.URL, "/"), a.Data); err != nil {
			list.Add(diag.New(a.Name, 0, 0, "%v", err))
		}
	}
	return list.Sorted()
}

// job is one output to render; name identifies it in diagnostics.
type job struct {
	name string
	fn   func() error
}

// run executes jobs on workers goroutines, recording errors as diagnostics.
func run(ctx context.Context, jobs []job, workers int, list *diag.List) {
	_ = par.ForContext(ctx, len(jobs), workers, func(i int) {
		j := jobs[i]
		list.Guard(j.name, func() {
			if err := j.fn(); err != nil {
				if ds := diag.As(err); ds != nil {
					list.Add(ds...)
				} else {
					list.Add(diag.New(j.name, 0, 0, "%v", err))
				}
			}
		})
	})
}

func sortedMenu(items []config.MenuItem) []config.MenuItem {
	out := append([]config.MenuItem(nil), items...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Weight < out[j].Weight })
	return out
}

func crumbs(p *content.Page) []Crumb {
	var out []Crumb
	for _, a := range p.Ancestors() {
		out = append(out, Crumb{Title: a.Title(), URL: a.URL})
	}
	return out
}

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// Sitemap returns sitemap.xml listing every content page and taxonomy page.
func Sitemap(site *content.Site, cfg *config.Config) []byte {
	us := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for _, p := range site.Pages {
		u := sitemapURL{Loc: cfg.AbsURL(p.URL)}
		if !p.Lastmod().IsZero() {
			u.LastMod = p.Lastmod().Format("2006-01-02")
		}
		us.URLs = append(us.URLs, u)
	}
	for _, t := range site.Taxonomies {
		us.URLs = append(us.URLs, sitemapURL{Loc: cfg.AbsURL(t.URL)})
		for _, term := range t.Terms {
			us.URLs = append(us.URLs, sitemapURL{Loc: cfg.AbsURL(term.URL)})
		}
	}
	sort.Slice(us.URLs, func(i, j int) bool { return us.URLs[i].Loc < us.URLs[j].Loc })
	out, _ := xml.MarshalIndent(us, "", "  ")
	return append([]byte(xml.Header), append(out, '\n')...)
}

type atomFeed struct {
	XMLName xml.Name    `xml:"feed"`
	NS      string      `xml:"xmlns,attr"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	Title   string      `xml:"title"`
	Sub     string      `xml:"subtitle,omitempty"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title     string   `xml:"title"`
	ID        string   `xml:"id"`
	Link      atomLink `xml:"link"`
	Updated   string   `xml:"updated"`
	Published string   `xml:"published,omitempty"`
	Summary   string   `xml:"summary,omitempty"`
}

// Feed returns an Atom feed of the most recently updated pages that carry a date.
func Feed(site *content.Site, cfg *config.Config) []byte {
	var dated []*content.Page
	for _, p := range site.Pages {
		if p.Kind != content.KindHome && !p.Lastmod().IsZero() {
			dated = append(dated, p)
		}
	}
	sort.SliceStable(dated, func(i, j int) bool {
		a, b := dated[i].Lastmod(), dated[j].Lastmod()
		if !a.Equal(b) {
			return a.After(b)
		}
		return dated[i].URL < dated[j].URL
	})
	if len(dated) > cfg.Outputs.FeedLimit {
		dated = dated[:cfg.Outputs.FeedLimit]
	}
	f := atomFeed{NS: "http://www.w3.org/2005/Atom", Lang: cfg.LanguageCode, Title: cfg.Title, Sub: cfg.Description,
		ID: cfg.AbsURL("/"), Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links: []atomLink{{Href: cfg.AbsURL("/atom.xml"), Rel: "self", Type: "application/atom+xml"}, {Href: cfg.AbsURL("/")}}}
	if len(dated) > 0 {
		f.Updated = dated[0].Lastmod().Format(time.RFC3339)
	}
	for _, p := range dated {
		e := atomEntry{Title: p.Title(), ID: cfg.AbsURL(p.URL), Link: atomLink{Href: cfg.AbsURL(p.URL)},
			Updated: p.Lastmod().Format(time.RFC3339), Summary: p.Summary()}
		if !p.Date().IsZero() {
			e.Published = p.Date().Format(time.RFC3339)
		}
		if p.Guide != nil && p.Guide != p {
			e.Title = p.Guide.Title() + ": " + p.Title()
		}
		f.Entries = append(f.Entries, e)
	}
	out, _ := xml.MarshalIndent(f, "", "  ")
	return append([]byte(xml.Header), append(out, '\n')...)
}
