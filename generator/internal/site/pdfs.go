package site

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"vepkb/generator/internal/content"
	"vepkb/generator/internal/markdown"
	"vepkb/generator/internal/par"
	"vepkb/generator/internal/pdf"
	"vepkb/generator/internal/printdoc"
	"vepkb/generator/internal/render"
)

// Printer makes PDFs of a loaded site's print views: one browser, several
// tabs, and a server on the loopback address that offers the print views
// and what they load (assets, static files, images beside content).
type Printer struct {
	l       *Loaded
	browser *pdf.Browser
	srv     *http.Server
	base    string // http://127.0.0.1:port + the base URL's path

	mu    sync.Mutex
	views map[string][]byte // site path → print view or its pages.css
}

// NewPrinter starts the browser and the server. Close stops both.
func NewPrinter(ctx context.Context, l *Loaded) (*Printer, error) {
	exe, err := pdf.Find(l.Config.PDF.Browser)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Printer{l: l, views: map[string][]byte{}}
	p.base = "http://" + ln.Addr().String() + strings.TrimSuffix(l.Config.Base.Path, "/")
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go p.srv.Serve(ln)
	if p.browser, err = pdf.Start(ctx, exe); err != nil {
		p.srv.Close()
		return nil, err
	}
	return p, nil
}

// Use makes the printer serve the files of another load of the same site
// (the preview's next build).
func (p *Printer) Use(l *Loaded) {
	p.mu.Lock()
	p.l = l
	p.views = map[string][]byte{}
	p.mu.Unlock()
}

// Close shuts the browser and the server down.
func (p *Printer) Close() {
	p.browser.Close()
	p.srv.Close()
}

// serve answers the browser: print views from memory, then the theme's
// assets, static files and files beside content, by site path.
func (p *Printer) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	l := p.l
	u := strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(l.Config.Base.Path, "/"))
	data, ok := p.views[u]
	p.mu.Unlock()
	if ok {
		ctype := mime.TypeByExtension(path.Ext(u)) // pages.css
		if ctype == "" {
			ctype = "text/html; charset=utf-8" // a print view, /x/print/
		}
		w.Header().Set("Content-Type", ctype)
		w.Write(data)
		return
	}
	for _, a := range l.Theme.Assets() {
		if a.URL == u {
			w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(u)))
			w.Write(a.Data)
			return
		}
	}
	if src, ok := l.Theme.Static[u]; ok {
		http.ServeFile(w, r, src)
		return
	}
	for _, f := range l.Content.Files {
		if "/"+f.Rel == u {
			http.ServeFile(w, r, f.Src)
			return
		}
	}
	http.NotFound(w, r)
}

// Fill renders the parts of the site's print documents (once per load).
func (l *Loaded) FillPrints() {
	printdoc.Fill(l.Prints, l.Content, l.Config, func(p *content.Page, o markdown.RenderOptions) *content.Doc {
		doc, _ := l.Markdown.RenderWith(p, l.Resolve, o) // its problems were reported by the page's own render
		return doc
	})
}

// maxPasses bounds the prints of one document: the first gives the page of
// every table of contents entry, the second prints them; a third or fourth
// only when numbers moved pages (they are kept the same width, so they
// should not).
const maxPasses = 4

// Make prints pr, filling its table of contents with page numbers, and
// returns the finished PDF and its page count. The first print tells the
// page of every entry; the numbers are then written into the loaded page
// (no reload) and it is printed again, until no number moves.
func (p *Printer) Make(ctx context.Context, pr *render.Print, sd *render.SiteData) ([]byte, int, error) {
	for _, e := range pr.TOC {
		e.Page = 0
	}
	html, err := p.l.Theme.RenderPrint(sd, pr)
	if err != nil {
		return nil, 0, err
	}
	p.mu.Lock()
	p.views[pr.URL] = html
	p.views[pr.CSSURL()] = pr.PageCSS(p.l.Theme)
	p.mu.Unlock()
	tab, err := p.browser.Open(ctx, p.base+pr.URL)
	if err != nil {
		return nil, 0, err
	}
	defer tab.Close()
	// The first print, with placeholders, gives the page of every entry. It
	// is untagged (a quarter quicker; the layout is the same): only a
	// print whose numbers are right is kept, and that one is tagged.
	raw, err := tab.Print(pr.Paper, false)
	if err != nil {
		return nil, 0, err
	}
	tagged := false
	var layout *pdf.Layout
	for pass := 1; ; pass++ {
		if layout, err = pdf.Read(raw); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", pr.URL, err)
		}
		pages := map[string]int{}
		moved := false
		for _, e := range pr.TOC {
			n := layout.Dests[e.ID]
			if n != e.Page {
				e.Page, moved = n, true
			}
			pages[e.ID] = n
		}
		if !moved && tagged {
			break
		}
		if pass == maxPasses {
			return nil, 0, fmt.Errorf("%s: the table of contents' page numbers did not settle after %d prints", pr.URL, maxPasses)
		}
		if moved {
			js, _ := json.Marshal(pages)
			if err := tab.Eval(`const pages = ` + string(js) + `; document.querySelectorAll(".print-toc-page[data-dest]").forEach(s => { s.textContent = String(pages[s.dataset.dest] || "") })`); err != nil {
				return nil, 0, err
			}
		}
		if raw, err = tab.Print(pr.Paper, true); err != nil {
			return nil, 0, err
		}
		tagged = true
	}
	var items []pdf.Item
	for _, e := range pr.TOC {
		items = append(items, pdf.Item{Title: e.Text, Dest: e.ID, Level: e.Level})
	}
	var keywords []string
	if pr.Guide != nil {
		for _, tax := range []string{"audiences", "tags"} {
			for _, t := range p.l.Content.Terms(pr.Guide, tax) {
				keywords = append(keywords, t.Name)
			}
		}
	}
	date := pr.Lastmod
	if date.IsZero() {
		date = time.Unix(0, 0)
	}
	out, err := pdf.Finish(raw, layout, pdf.Meta{Title: pr.Title, Author: p.l.Config.Title, Subject: pr.Summary,
		Keywords: strings.Join(slices.Compact(keywords), ", "), Creator: "vepkb site generator", Date: date}, items)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", pr.URL, err)
	}
	return out, layout.Pages, nil
}

// makePDFs prints every document of the site with one browser, documents in
// parallel tabs.
func makePDFs(ctx context.Context, l *Loaded) (map[string]*render.PDFFile, map[string][]byte, error) {
	if len(l.Prints) == 0 {
		return nil, nil, nil
	}
	l.FillPrints()
	p, err := NewPrinter(ctx, l)
	if err != nil {
		return nil, nil, err
	}
	defer p.Close()
	sd := render.NewSiteData(l.Content, l.Config, render.Options{})
	files := map[string]*render.PDFFile{}
	data := map[string][]byte{}
	var mu sync.Mutex
	var first error
	tabs := min(2*Workers(l.Config), 4) // more tabs than cores: part of printing waits on the browser process
	// The longest document first, so that the others print beside it.
	order := slices.Clone(l.Prints)
	slices.SortStableFunc(order, func(a, b *render.Print) int { return len(b.Parts) - len(a.Parts) })
	perr := par.ForContext(ctx, len(order), tabs, func(i int) {
		pr := order[i]
		out, pages, err := p.Make(ctx, pr, sd)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if first == nil {
				first = err
			}
			return
		}
		files[pr.Key] = &render.PDFFile{URL: pr.PDF, Pages: pages, Bytes: int64(len(out))}
		data[pr.Key] = out
	})
	if ctx.Err() != nil {
		return nil, nil, context.Cause(ctx)
	}
	if perr != nil {
		return nil, nil, perr
	}
	if first != nil {
		return nil, nil, fmt.Errorf("making PDFs: %w", first)
	}
	return files, data, nil
}

// PDFFiles are the download links of the preview, which makes PDFs when they
// are opened: known URLs, no page count or size yet.
func PDFFiles(prints []*render.Print) map[string]*render.PDFFile {
	if len(prints) == 0 {
		return nil
	}
	m := map[string]*render.PDFFile{}
	for _, pr := range prints {
		m[pr.Key] = &render.PDFFile{URL: pr.PDF}
	}
	return m
}

var errNoPrint = errors.New("no such print view")

// PrintFor returns the print document whose view or PDF is at site path u.
func (l *Loaded) PrintFor(u string) (*render.Print, bool, error) {
	for _, pr := range l.Prints {
		switch u {
		case pr.PDF:
			return pr, true, nil
		case pr.URL, pr.URL + "index.html", pr.CSSURL():
			return pr, false, nil
		}
	}
	return nil, false, errNoPrint
}

// ErrNoSuchGuide is MakePDF's answer to a guide that does not exist.
var ErrNoSuchGuide = errors.New("no such guide")

// PDFResult is one PDF made by MakePDF.
type PDFResult struct {
	Print    *render.Print
	Data     []byte
	Pages    int
	Duration time.Duration
}

// MakePDF loads the site (every check of a build) and makes the PDF of one
// guide (by folder name), or of the whole knowledge base when guide is "".
// paper, when set, overrides [pdf] paper. Nothing is written.
func MakePDF(ctx context.Context, opt Options, guide, paper string) (*PDFResult, error) {
	start := time.Now()
	opt.NoPDF = false
	l, err := Load(ctx, opt)
	if err != nil {
		return nil, err
	}
	cfg := l.Config
	yes := true
	cfg.PDF.Enabled, cfg.PDF.Guides = &yes, nil
	if guide == "" {
		cfg.PDF.Whole = &yes
	}
	if paper != "" {
		cfg.PDF.Paper = paper
	}
	var pr *render.Print
	for _, p := range printdoc.Plan(l.Content, cfg) {
		if p.Key == strings.Trim(guide, "/") {
			pr = p
		}
	}
	if pr == nil {
		var names []string
		for _, g := range l.Content.Guides {
			names = append(names, render.GuideKey(g))
		}
		return nil, fmt.Errorf("%w %q: the guides are %s", ErrNoSuchGuide, guide, strings.Join(names, ", "))
	}
	l.Prints = []*render.Print{pr}
	l.FillPrints()
	p, err := NewPrinter(ctx, l)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	data, pages, err := p.Make(ctx, pr, render.NewSiteData(l.Content, cfg, render.Options{}))
	if err != nil {
		return nil, err
	}
	return &PDFResult{Print: pr, Data: data, Pages: pages, Duration: time.Since(start)}, nil
}
