// Package printdoc joins pages into printable documents: each guide with its
// chapters in reading order, and the whole knowledge base (every guide, then
// the standalone pages such as the glossary and the instruments). They are
// what the print views show and what Chromium turns into PDFs.
//
// Each page of a document is rendered again from its Markdown with its own
// id prefix (part "p3" gets ids "p3-…"), so that ids never collide; a link to
// a page of the same document becomes a jump inside it (#p3-gp-3-2), and a
// link to any other page becomes an absolute link to the published site
// (baseURL). Images keep their site paths.
package printdoc

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"vepkb/generator/internal/config"
	"vepkb/generator/internal/content"
	"vepkb/generator/internal/markdown"
	"vepkb/generator/internal/render"
)

// WholeName is the file name of the whole knowledge base's PDF.
const WholeName = "knowledge-base.pdf"

// Plan lists the documents the configuration asks for, with their keys and
// URLs but no content yet (what link checking needs to know before pages
// are rendered).
func Plan(site *content.Site, cfg *config.Config) []*render.Print {
	if !cfg.PDFEnabled() {
		return nil
	}
	var out []*render.Print
	paper := "A4"
	if cfg.PDF.Paper == "letter" {
		paper = "letter"
	}
	for _, g := range site.Guides {
		key := render.GuideKey(g)
		if len(cfg.PDF.Guides) > 0 && !slices.Contains(cfg.PDF.Guides, key) {
			continue
		}
		out = append(out, &render.Print{Key: key, URL: g.URL + "print/", PDF: g.URL + key + ".pdf",
			Title: g.Title(), Summary: g.Summary(), Guide: g, Online: cfg.AbsURL(g.URL), Paper: paper, Margins: cfg.PDF.Margins})
	}
	if cfg.PDFWhole() {
		out = append(out, &render.Print{Key: "", URL: "/print/", PDF: "/" + WholeName, Title: cfg.Title,
			Summary: cfg.Description, Online: cfg.AbsURL("/"), Paper: paper, Margins: cfg.PDF.Margins})
	}
	return out
}

// Renderer renders a page's Markdown again with options (the site's
// markdown.Renderer.RenderWith with its resolver).
type Renderer func(p *content.Page, o markdown.RenderOptions) *content.Doc

// Fill renders the parts and table of contents of each document.
func Fill(prints []*render.Print, site *content.Site, cfg *config.Config, rerender Renderer) {
	for _, pr := range prints {
		fill(pr, site, cfg, rerender)
	}
}

type member struct {
	page   *content.Page
	level  int
	header string
}

func fill(pr *render.Print, site *content.Site, cfg *config.Config, rerender Renderer) {
	var members []member
	if pr.Guide != nil {
		members = append(members, member{pr.Guide, 1, pr.Guide.Title()})
		for _, p := range guidePages(pr.Guide) {
			members = append(members, member{p, 2, pr.Guide.Title() + " — " + p.Title()})
		}
	} else {
		for _, g := range site.Guides {
			members = append(members, member{g, 1, g.Title()})
			for _, p := range guidePages(g) {
				members = append(members, member{p, 2, g.Title() + " — " + p.Title()})
			}
		}
		for _, p := range site.Standalone {
			members = append(members, member{p, 1, p.Title()})
		}
	}
	prefix := map[*content.Page]string{}
	for i, m := range members {
		prefix[m.page] = "p" + itoa(i)
	}
	origin := ""
	if u := cfg.Base; u != nil && u.Scheme != "" {
		origin = (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
	}
	pr.Parts, pr.TOC = nil, nil
	var newest time.Time
	for _, m := range members {
		id := prefix[m.page]
		href := func(l *content.Link, siteURL string) string {
			if l.Image {
				return siteURL
			}
			if l.Target != nil {
				if tp, ok := prefix[l.Target]; ok {
					if l.Anchor == "" {
						return "#" + tp
					}
					return "#" + tp + "-" + l.Anchor
				}
			}
			if origin != "" && strings.HasPrefix(siteURL, "/") {
				return origin + siteURL
			}
			return siteURL
		}
		doc := rerender(m.page, markdown.RenderOptions{IDPrefix: id + "-", Href: href})
		pr.Parts = append(pr.Parts, &render.PrintPart{ID: id, Page: m.page, Title: m.page.Title(), Header: m.header, Level: m.level, Content: doc.HTML})
		pr.TOC = append(pr.TOC, &render.TOCEntry{ID: id, Text: m.page.Title(), Level: m.level})
		for _, h := range doc.Headings {
			if h.Level == 2 {
				pr.TOC = append(pr.TOC, &render.TOCEntry{ID: h.ID, Text: h.Text, Level: m.level + 1})
			}
		}
		if lm := m.page.Lastmod(); lm.After(newest) {
			newest = lm
		}
	}
	pr.Lastmod = newest
}

// guidePages are a guide's pages below it, depth first in reading order.
func guidePages(g *content.Page) []*content.Page {
	var out []*content.Page
	var walk func(p *content.Page)
	walk = func(p *content.Page) {
		for _, c := range p.Children {
			out = append(out, c)
			walk(c)
		}
	}
	walk(g)
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
