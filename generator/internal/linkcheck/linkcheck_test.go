package linkcheck

import (
	"strings"
	"testing"

	"vepkb/generator/internal/content"
	"vepkb/generator/internal/frontmatter"
)

func testSite() (*content.Site, map[string]*content.Page) {
	mk := func(rel, url string, kind content.Kind) *content.Page {
		return &content.Page{Kind: kind, Rel: rel, Path: "content/" + rel, URL: url,
			Meta: &frontmatter.Meta{Title: rel}, Doc: &content.Doc{Anchors: map[string]bool{"intro": true, "gp-3-2": true}}}
	}
	pages := map[string]*content.Page{
		"home":  mk("_index.md", "/", content.KindHome),
		"guide": mk("guide/_index.md", "/guide/", content.KindSection),
		"ch":    mk("guide/chapter.md", "/guide/chapter/", content.KindPage),
		"other": mk("other/_index.md", "/other/", content.KindSection),
		"oc":    mk("other/risk.md", "/other/risk/", content.KindPage),
		"glos":  mk("glossary.md", "/glossary/", content.KindPage),
	}
	s := &content.Site{ContentDir: "content", ByURL: map[string]*content.Page{}, BySource: map[string]*content.Page{}}
	for _, p := range pages {
		s.ByURL[p.URL] = p
		s.BySource[p.Rel] = p
		s.Pages = append(s.Pages, p)
	}
	return s, pages
}

func TestResolve(t *testing.T) {
	site, pages := testSite()
	r := &Resolver{Site: site, Prefix: "/",
		Files:     map[string]bool{"/guide/img/map.png": true, "/favicon.svg": true},
		Generated: map[string]bool{"/tags/": true, "/tags/women/": true},
		Drafts:    map[string]bool{"guide/secret.md": true}}
	from := pages["ch"]
	tests := []struct {
		dest, url string
		target    string // page key, "" for none
		anchor    string
		image     bool
		err       string
	}{
		{dest: "https://example.org/x", url: "https://example.org/x"},
		{dest: "mailto:a@b.org", url: "mailto:a@b.org"},
		{dest: "//cdn.example.org/x", url: "//cdn.example.org/x"},
		{dest: "#intro", url: "#intro", target: "ch", anchor: "intro"},
		{dest: "../other/risk.md#gp-3-2", url: "/other/risk/#gp-3-2", target: "oc", anchor: "gp-3-2"},
		{dest: "../other/risk.md", url: "/other/risk/", target: "oc"},
		{dest: "../other/_index.md", url: "/other/", target: "other"},
		{dest: "../other/index.md", url: "/other/", target: "other"},
		{dest: "chapter.md", url: "/guide/chapter/", target: "ch"},
		{dest: "../glossary.md#dynamic-security", url: "/glossary/#dynamic-security", target: "glos", anchor: "dynamic-security"},
		{dest: "/other/risk/#x", url: "/other/risk/#x", target: "oc", anchor: "x"},
		{dest: "/other/risk", url: "/other/risk/", target: "oc"},
		{dest: "/other/risk/index.html", url: "/other/risk/", target: "oc"},
		{dest: "../../other/", url: "/other/", target: "other"},
		{dest: "/tags/women/", url: "/tags/women/"},
		{dest: "img/map.png", url: "/guide/img/map.png", image: true},
		{dest: "/favicon.svg", url: "/favicon.svg", image: true},
		{dest: "/guide/chapter/?q=1#intro", url: "/guide/chapter/?q=1#intro", target: "ch", anchor: "intro"},
		{dest: "missing.md", err: `broken link "missing.md": content/guide/missing.md does not exist`},
		{dest: "../other/rsk.md", err: "did you mean other/risk.md?"},
		{dest: "chapte.md", err: "chapte.md does not exist"}, // never suggests the page itself
		{dest: "secret.md", err: "is a draft and is not published"},
		{dest: "../../outside.md", err: "outside the content folder"},
		{dest: "/nowhere/", err: `broken link "/nowhere/": no page or file has this URL`},
		{dest: "/other/rsk/", err: "did you mean /other/risk/?"},
		{dest: "img/none.png", image: true, err: `broken link "img/none.png": no file content/guide/img/none.png and no page at /guide/chapter/img/none.png`},
		{dest: "chapter.md", image: true, err: "points at a page"},
		{dest: "", err: "empty link"},
		{dest: "%zz", err: "invalid link"},
	}
	for _, tt := range tests {
		t.Run(tt.dest, func(t *testing.T) {
			url, link, err := r.Resolve(from, tt.dest, tt.image)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if url != tt.url {
				t.Errorf("url = %q, want %q", url, tt.url)
			}
			if tt.target != "" && (link == nil || link.Target != pages[tt.target] || link.Anchor != tt.anchor) {
				t.Errorf("link = %+v, want target %s anchor %q", link, tt.target, tt.anchor)
			}
		})
	}
}

func TestResolveWithPrefix(t *testing.T) {
	site, pages := testSite()
	r := &Resolver{Site: site, Prefix: "/kb/"}
	url, _, err := r.Resolve(pages["ch"], "../other/risk.md#a", false)
	if err != nil || url != "/kb/other/risk/#a" {
		t.Fatalf("url = %q, err = %v", url, err)
	}
}

func TestCheckAnchors(t *testing.T) {
	site, pages := testSite()
	pages["ch"].Doc.Links = []content.Link{
		{Line: 3, Col: 5, Dest: "../other/risk.md#gp-3-2", Target: pages["oc"], Anchor: "gp-3-2"},
		{Line: 4, Col: 1, Dest: "../other/risk.md#gp-3-3", Target: pages["oc"], Anchor: "gp-3-3"},
		{Line: 5, Col: 2, Dest: "#nope", Target: pages["ch"], Anchor: "nope"},
		{Line: 6, Col: 2, Dest: "/x.png#frag", Anchor: "frag"},
	}
	ds := Check(site)
	if len(ds) != 2 {
		t.Fatalf("diagnostics = %v", ds)
	}
	if got := ds[0].Error(); got != `content/guide/chapter.md:4:1: broken anchor "../other/risk.md#gp-3-3": no heading or element has id "gp-3-3" in content/other/risk.md (did you mean #gp-3-2?)` {
		t.Errorf("got %s", got)
	}
	if got := ds[1].Error(); !strings.Contains(got, "chapter.md:5:2:") || !strings.Contains(got, "on this page") {
		t.Errorf("got %s", got)
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"../other/risk.md#a", "/guide/", "#x", "img/a.png", "%", "../../../../x.md", "javascript:x", "/a/../../b", "?q#"} {
		f.Add(s, false)
	}
	site, pages := testSite()
	r := &Resolver{Site: site, Prefix: "/", Files: map[string]bool{}, Generated: map[string]bool{}}
	f.Fuzz(func(t *testing.T, dest string, image bool) {
		url, link, err := r.Resolve(pages["ch"], dest, image)
		if err != nil {
			return
		}
		if link != nil && link.Target != nil && !strings.HasPrefix(url, "/") && !strings.HasPrefix(url, "#") {
			t.Fatalf("internal link resolved to %q", url)
		}
		pathPart, _, _ := strings.Cut(url, "#")
		pathPart, _, _ = strings.Cut(pathPart, "?")
		if link != nil && strings.Contains(pathPart, "/../") {
			t.Fatalf("resolved URL %q escapes the site", url)
		}
	})
}
