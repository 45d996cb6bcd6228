package site

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"vepkb/generator/internal/output"
	"vepkb/generator/internal/render"
	"vepkb/generator/internal/search/kbxfiles"
	"vepkb/generator/internal/sitetest"
	"vepkb/generator/kbsearch/kbx"
)

var update = flag.Bool("update", false, "rewrite golden files")

// repoRoot is the repository root, where the default theme lives.
func repoRoot(t testing.TB) string {
	t.Helper()
	abs, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func copyTree(t testing.TB, src, dst string) { sitetest.CopyTree(t, src, dst) }

// newSite copies testdata/NAME and the default theme into a temporary site
// root, then applies changes (a path mapped to "" is removed).
func newSite(t testing.TB, name string, changes map[string]string) string {
	t.Helper()
	root := t.TempDir()
	copyTree(t, filepath.Join("testdata", name), root)
	copyTree(t, filepath.Join(repoRoot(t), "themes", "default"), filepath.Join(root, "themes", "default"))
	apply(t, root, changes)
	return root
}

func apply(t testing.TB, root string, changes map[string]string) { sitetest.Apply(t, root, changes) }

// treeHash hashes every file path and content below dir.
func treeHash(t testing.TB, dir string) (string, map[string]string) {
	t.Helper()
	files := map[string]string{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == output.ManifestName {
			return nil // the output folder's record of itself, not part of the site
		}
		data, _ := os.ReadFile(p)
		sum := sha256.Sum256(data)
		files[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k + "\x00" + files[k] + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil)), files
}

func build(t testing.TB, root string, mod func(*Options)) (*Result, error) {
	t.Helper()
	opt := Options{Root: root}
	if mod != nil {
		mod(&opt)
	}
	return Build(context.Background(), opt)
}

func read(t testing.TB, root, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "public", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestBuildBasic(t *testing.T) {
	root := newSite(t, "basic", nil)
	res, err := build(t, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages == 0 {
		t.Fatal("no pages written")
	}
	_, files := treeHash(t, filepath.Join(root, "public"))
	for _, want := range []string{
		"index.html", "404.html", "sitemap.xml", "atom.xml", "robots.txt", "favicon.svg",
		"guide-a/index.html", "guide-a/first/index.html", "guide-a/second/index.html",
		"guide-a/part/index.html", "guide-a/part/deep/index.html", "guide-a/img/map.svg",
		"guide-b/index.html", "guide-b/one/index.html", "glossary/index.html",
		"tags/index.html", "tags/risk-assessment/index.html", "tags/women/index.html",
		"audiences/index.html", "audiences/prison-administration/index.html", "audiences/probation/index.html",
		"old/first/index.html",
	} {
		if files[want] == "" {
			t.Errorf("missing output %s", want)
		}
	}
	if files["guide-a/draft/index.html"] != "" {
		t.Error("draft page was published")
	}
	var css int
	for f := range files {
		if strings.HasPrefix(f, "assets/css/main.") && strings.HasSuffix(f, ".css") {
			css++
		}
	}
	if css != 1 {
		t.Errorf("fingerprinted stylesheets: %d", css)
	}

	first := read(t, root, "guide-a/first/index.html")
	for _, want := range []string{
		`<html lang="en-GB">`,
		`<link rel="canonical" href="https://kb.example.org/guide-a/first/">`,
		`<meta name="description" content="The first chapter.">`,
		`<meta property="og:title" content="First chapter">`,
		`<a class="skip-link" href="#main">`,
		`<a href="/guide-a/first/" aria-current="page">First chapter</a>`, // sidebar and breadcrumb
		`<nav class="toc" aria-label="On this page">`,
		`<a href="#gp-1-1">Good practice 1.1: Assess at intake</a>`,
		`<a href="/glossary/#dynamic-security">`,
		`<a href="/guide-a/second/#why-it-matters">`,
		`<a href="/guide-b/">`,
		`<img src="/guide-a/img/map.svg" alt="a map">`,
		`class="callout callout-warning"`,
		`Keep records safe`,
		`<div class="table-wrap"`,
		`id="дерадикализация"`,
		`<span class="kd">func</span>`,
		`id="fn:1"`,
		`rel="prev"`, `rel="next"`,
		`Last updated <time datetime="2026-03-05">5 March 2026</time>`,
		`href="/tags/women/"`,
	} {
		if !strings.Contains(first, want) {
			t.Errorf("first chapter lacks %q", want)
		}
	}
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(first, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("inline script in output: %s", tag)
		}
	}
	if strings.Contains(first, "style=") || strings.Contains(first, "<style") {
		t.Error("inline style in output")
	}
	alias := read(t, root, "old/first/index.html")
	if !strings.Contains(alias, `content="0; url=/guide-a/first/"`) || !strings.Contains(alias, `rel="canonical" href="https://kb.example.org/guide-a/first/"`) {
		t.Errorf("alias page: %s", alias)
	}
	home := read(t, root, "index.html")
	for _, want := range []string{`href="/audiences/prison-administration/"`, "Guide A: assessment", "How to assess risks and needs.", `href="/glossary/"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %q", want)
		}
	}
	for _, f := range []string{"sitemap.xml", "atom.xml"} {
		var v any
		if err := xml.Unmarshal([]byte(read(t, root, f)), &v); err != nil {
			t.Errorf("%s is not XML: %v", f, err)
		}
	}
	if s := read(t, root, "sitemap.xml"); !strings.Contains(s, "<loc>https://kb.example.org/guide-a/first/</loc>") || !strings.Contains(s, "<lastmod>2026-03-05</lastmod>") {
		t.Errorf("sitemap: %s", s)
	}
	if s := read(t, root, "atom.xml"); !strings.Contains(s, "<title>Guide A: assessment: First chapter</title>") || !strings.Contains(s, "<updated>2026-03-05T00:00:00Z</updated>") {
		t.Errorf("feed: %s", s)
	}
	if s := read(t, root, "robots.txt"); !strings.Contains(s, "Sitemap: https://kb.example.org/sitemap.xml") {
		t.Errorf("robots: %s", s)
	}
}

// TestGolden compares rendered pages with files in testdata/golden. Run
// "go test ./generator/internal/site -run Golden -update" after an intended change.
func TestGolden(t *testing.T) {
	root := newSite(t, "basic", nil)
	if _, err := build(t, root, nil); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"guide-a/first/index.html", "guide-a/index.html", "index.html", "glossary/index.html", "tags/women/index.html"} {
		got := read(t, root, rel)
		golden := filepath.Join("testdata", "golden", strings.ReplaceAll(rel, "/", "_"))
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s (run with -update if intended)\n%s", rel, golden, firstDiff(string(want), got))
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i)) }

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestDeterministic(t *testing.T) {
	root := newSite(t, "basic", nil)
	var hashes []string
	for i := 0; i < 3; i++ {
		dest := filepath.Join(t.TempDir(), "out")
		if _, err := build(t, root, func(o *Options) { o.Dest = dest }); err != nil {
			t.Fatal(err)
		}
		h, _ := treeHash(t, dest)
		hashes = append(hashes, h)
	}
	if hashes[0] != hashes[1] || hashes[1] != hashes[2] {
		t.Errorf("builds differ: %v", hashes)
	}
}

func TestBaseURLWithPath(t *testing.T) {
	root := newSite(t, "basic", nil)
	if _, err := build(t, root, func(o *Options) { o.BaseURL = "https://example.org/kb/" }); err != nil {
		t.Fatal(err)
	}
	first := read(t, root, "guide-a/first/index.html")
	for _, want := range []string{`href="/kb/glossary/#dynamic-security"`, `href="https://example.org/kb/guide-a/first/"`, `href="/kb/assets/css/main.`, `src="/kb/guide-a/img/map.svg"`} {
		if !strings.Contains(first, want) {
			t.Errorf("lacks %q", want)
		}
	}
}

func TestDrafts(t *testing.T) {
	root := newSite(t, "basic", map[string]string{
		"content/guide-a/second.md": "---\ntitle: Second\n---\n## Why it matters\n\nSee [draft](draft.md).\n",
	})
	_, err := build(t, root, nil)
	if err == nil || !strings.Contains(err.Error(), `content/guide-a/second.md:6:5: broken link "draft.md": content/guide-a/draft.md is a draft and is not published`) {
		t.Fatalf("err = %v", err)
	}
	res, err := build(t, root, func(o *Options) { o.Drafts = true })
	if err != nil {
		t.Fatal(err)
	}
	if res.Site.ByURL["/guide-a/draft/"] == nil {
		t.Fatal("draft missing with --drafts")
	}
	if d := read(t, root, "guide-a/draft/index.html"); !strings.Contains(d, `class="draft-badge"`) {
		t.Error("draft is not marked")
	}
	// Also where it is listed: the guide's navigation and landing page.
	for _, page := range []string{"guide-a/first/index.html", "guide-a/index.html"} {
		if !regexp.MustCompile(`>Unfinished</a> <span class="draft-badge">Draft</span>`).MatchString(read(t, root, page)) {
			t.Errorf("%s does not mark the draft in its lists", page)
		}
	}
}

// TestBadInput checks that each kind of bad input fails with a clear
// message naming the file (and line:col) and leaves the previous output as it was.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{"unclosed YAML front matter", map[string]string{"content/guide-b/one.md": "---\ntitle: One\nBody\n"},
			[]string{`content/guide-b/one.md:1:1: front matter opened with "---" on line 1 is never closed`}},
		{"invalid YAML", map[string]string{"content/guide-b/one.md": "---\ntitle: [One\n---\n"},
			[]string{"content/guide-b/one.md:", "invalid YAML front matter"}},
		{"unclosed TOML", map[string]string{"content/guide-b/one.md": "+++\ntitle = 'One'\n"},
			[]string{`content/guide-b/one.md:1:1: front matter opened with "+++"`}},
		{"invalid TOML", map[string]string{"content/guide-b/one.md": "+++\ntitle = 'One\n+++\n"},
			[]string{"content/guide-b/one.md:2:"}},
		{"string weight", map[string]string{"content/guide-b/one.md": "---\ntitle: One\nweight: \"first\"\n---\n"},
			[]string{`content/guide-b/one.md:3:9: weight: expected an integer, got text "first"`}},
		{"impossible date", map[string]string{"content/guide-b/one.md": "---\ntitle: One\ndate: 2026-02-30\n---\n"},
			[]string{`content/guide-b/one.md:3:7: date: "2026-02-30" is not a valid date`}},
		{"missing title", map[string]string{"content/guide-b/one.md": "---\nweight: 2\n---\nText\n"},
			[]string{"content/guide-b/one.md:1: title is required"}},
		{"empty file", map[string]string{"content/guide-b/empty.md": "\n\n"},
			[]string{"content/guide-b/empty.md: empty file"}},
		{"invalid UTF-8", map[string]string{"content/guide-b/one.md": "---\ntitle: One\n---\nCaf\xe9\n"},
			[]string{"content/guide-b/one.md:4:4: invalid UTF-8"}},
		{"two files, one URL", map[string]string{"content/guide-b/two.md": "---\ntitle: Two\nslug: one\n---\n"},
			[]string{"content/guide-b/two.md: URL /guide-b/one/ is also claimed by content/guide-b/one.md"}},
		{"broken link", map[string]string{"content/guide-b/one.md": "---\ntitle: One\n---\nSee [x](nowhere.md).\n"},
			[]string{`content/guide-b/one.md:4:5: broken link "nowhere.md": content/guide-b/nowhere.md does not exist`}},
		{"broken site-path link", map[string]string{"content/guide-b/one.md": "---\ntitle: One\n---\n\n  Go [there](/guide-c/x/).\n"},
			[]string{`content/guide-b/one.md:5:6: broken link "/guide-c/x/": no page or file has this URL`}},
		{"broken anchor", map[string]string{"content/guide-b/one.md": "---\ntitle: One\n---\n[x](../guide-a/first.md#gp-1-2)\n"},
			[]string{`content/guide-b/one.md:4:1: broken anchor "../guide-a/first.md#gp-1-2": no heading or element has id "gp-1-2" in content/guide-a/first.md (did you mean #gp-1-1?)`}},
		{"broken image", map[string]string{"content/guide-b/one.md": "---\ntitle: One\n---\n![m](img/none.png)\n"},
			[]string{`content/guide-b/one.md:4:1: broken link "img/none.png"`}},
		{"template parse error", map[string]string{"layouts/page.html": "{{define \"main\"}}\n<h1>{{.Title</h1>\n{{end}}\n"},
			[]string{"layouts/page.html:2:"}},
		{"template execution error", map[string]string{"layouts/page.html": "{{define \"main\"}}\n<p>\n{{.NoSuchField}}</p>\n{{end}}\n"},
			[]string{"layouts/page.html:3:", "NoSuchField"}},
		{"config syntax error", map[string]string{"config.toml": "title = \"x\"\nbaseURL = \n"},
			[]string{"config.toml:2:"}},
		{"config unknown key", map[string]string{"config.toml": "title = \"x\"\ntitel = \"y\"\n"},
			[]string{`config.toml:2:1: unknown key "titel"`}},
		{"config wrong type", map[string]string{"config.toml": "title = \"x\"\n[outputs]\nsitemap = 1\n"},
			[]string{"config.toml:3:11: outputs.sitemap: expected true or false"}},
		{"several errors at once", map[string]string{
			"content/guide-b/one.md": "---\ntitle: One\n---\n[a](x.md) [b](y.md) [c](bad.md)\n",
			"content/guide-b/bad.md": "---\nweight: 1\n---\n",
			"layouts/page.html":      "{{define \"main\"}}{{.Nope}}{{end}}"},
			[]string{"content/guide-b/bad.md:1: title is required", `content/guide-b/one.md:4:1: broken link "x.md"`,
				`content/guide-b/one.md:4:11: broken link "y.md"`, "layouts/page.html:1:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newSite(t, "basic", nil)
			if _, err := build(t, root, nil); err != nil {
				t.Fatal(err)
			}
			before, _ := treeHash(t, filepath.Join(root, "public"))
			apply(t, root, tt.changes)
			_, err := build(t, root, nil)
			if err == nil {
				t.Fatal("build succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nlacks %q", err, w)
				}
			}
			after, _ := treeHash(t, filepath.Join(root, "public"))
			if before != after {
				t.Error("previous output was changed by a failed build")
			}
			entries, _ := os.ReadDir(root)
			for _, e := range entries {
				if strings.Contains(e.Name(), "staging") {
					t.Errorf("staging folder left behind: %s", e.Name())
				}
			}
		})
	}
}

func TestStaleFilesRemoved(t *testing.T) {
	root := newSite(t, "basic", nil)
	if _, err := build(t, root, nil); err != nil {
		t.Fatal(err)
	}
	apply(t, root, map[string]string{"content/guide-b/one.md": ""})
	if err := os.WriteFile(filepath.Join(root, "public", "stray.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build(t, root, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "public", "guide-b/one/index.html")); err == nil {
		t.Error("the page of a deleted file lingers after rebuild")
	}
	// A file the build did not write is the user's: it stays.
	if _, err := os.Stat(filepath.Join(root, "public", "stray.txt")); err != nil {
		t.Errorf("a file the build did not write was removed: %v", err)
	}
}

func TestCheckOnlyWritesNothing(t *testing.T) {
	root := newSite(t, "basic", nil)
	if _, err := build(t, root, func(o *Options) { o.CheckOnly = true }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); err == nil {
		t.Error("check wrote public/")
	}
}

func TestHugeAndDeepPages(t *testing.T) {
	var big bytes.Buffer
	big.WriteString("---\ntitle: Big\n---\n")
	para := "Practitioners read this sentence about dynamic security and reintegration. "
	for i := 0; big.Len() < 20<<20; i++ {
		if i%40 == 0 {
			big.WriteString("\n\n## Section " + fmtInt(i) + "\n\n")
		}
		big.WriteString(para)
	}
	deep := "---\ntitle: Deep\n---\n" + strings.Repeat("> ", 10000) + "quote\n\n" +
		strings.Repeat("  ", 0) + strings.Repeat("- ", 5000) + "item\n\n" + strings.Repeat("*", 50000) + "\n\n" +
		strings.Repeat("[", 30000) + "x" + strings.Repeat("](y)", 100) + "\n"
	root := newSite(t, "basic", map[string]string{"content/guide-b/big.md": big.String(), "content/guide-b/deep.md": deep})
	if _, err := build(t, root, nil); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(root, "public", "guide-b", "big", "index.html")); err != nil || st.Size() < 20<<20 {
		t.Errorf("big page: %v", err)
	}
}

func TestSymlinkLoop(t *testing.T) {
	root := newSite(t, "basic", nil)
	if err := os.Symlink("..", filepath.Join(root, "content", "guide-a", "loop")); err != nil {
		t.Skip(err)
	}
	var warnings []string
	if _, err := build(t, root, func(o *Options) { o.Warn = func(s string) { warnings = append(warnings, s) } }); err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 {
		t.Errorf("warnings = %v", warnings)
	}
}

func TestContentDirOverride(t *testing.T) {
	root := newSite(t, "basic", nil)
	alt := filepath.Join(t.TempDir(), "alt")
	apply(t, alt, map[string]string{"_index.md": "---\ntitle: Alt home\n---\nAlt.\n", "g/_index.md": "---\ntitle: G\n---\n"})
	res, err := build(t, root, func(o *Options) { o.ContentDir = alt })
	if err != nil {
		t.Fatal(err)
	}
	if res.Site.Home.Title() != "Alt home" || res.Site.ByURL["/g/"] == nil {
		t.Error("--content was not used")
	}
}

func TestSearchIndexFiles(t *testing.T) {
	root := newSite(t, "basic", nil)
	cfg, _ := os.ReadFile(filepath.Join(root, "config.toml"))
	cfg = append(cfg, []byte("\n[search]\nenabled = true\nsynonyms = [[\"NGO\", \"CSO\"]]\n")...)
	apply(t, root, map[string]string{"config.toml": string(cfg)})
	res, err := build(t, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = res
	entries, err := os.ReadDir(filepath.Join(root, "public", "search-index"))
	if err != nil {
		t.Fatal(err)
	}
	// The manifest has compressed copies beside it; every other index
	// file is stored deflated, alone.
	var manifest string
	kinds := map[string]int{}
	dir := filepath.Join(root, "public", "search-index")
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".br"):
			kinds["br"]++
		case strings.HasSuffix(name, ".gz"):
			kinds["gz"]++
			raw, _ := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(name, ".gz")))
			zr, err := gzip.NewReader(bytes.NewReader([]byte(read(t, root, "search-index/"+name))))
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(zr)
			if !bytes.Equal(data, raw) {
				t.Errorf("%s does not decompress to its original", name)
			}
		case strings.HasPrefix(name, "index.") && strings.HasSuffix(name, ".json"):
			manifest = name
		default:
			kinds["deflated"]++
		}
	}
	if kinds["deflated"] < 4 || kinds["gz"] != 1 || kinds["br"] != 1 {
		t.Errorf("index files: %v", kinds)
	}
	if manifest == "" {
		t.Fatal("no manifest")
	}
	var man kbx.Manifest
	if err := json.Unmarshal([]byte(read(t, root, "search-index/"+manifest)), &man); err != nil {
		t.Fatal(err)
	}
	if man.Docs < 10 || man.Extra["synonyms"] == nil || man.Encoding != kbx.EncodingDeflateRaw || man.Dictionary == "" {
		t.Errorf("manifest: %+v", man)
	}
	// Every other file inflates with the preset dictionary, and most only
	// with it.
	src := &kbxfiles.Source{Dir: dir, Encoding: man.Encoding, Dictionary: man.Dictionary}
	needDict := 0
	for _, e := range entries {
		name := e.Name()
		if name == manifest || strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
			continue
		}
		if _, err := src.Fetch(context.Background(), name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		data, _ := os.ReadFile(filepath.Join(dir, name))
		if _, err := io.ReadAll(flate.NewReader(bytes.NewReader(data))); err != nil {
			needDict++
		}
	}
	if needDict < kinds["deflated"]/2 {
		t.Errorf("%d of %d index files need the dictionary", needDict, kinds["deflated"])
	}
	// The index is deterministic too.
	first, _ := treeHash(t, filepath.Join(root, "public"))
	if _, err := build(t, root, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := treeHash(t, filepath.Join(root, "public")); again != first {
		t.Error("two builds with search differ")
	}
}

// TestStrings: the words a page shows come from the theme's strings file,
// which a site can override key by key; a language without a file is an
// error that says which file to add, and a key missing from a translation
// names the key.
func TestStrings(t *testing.T) {
	root := newSite(t, "basic", map[string]string{
		"i18n/en.toml": "[callout]\nnote = \"Nota bene\"\n[page]\non_this_page = \"In this chapter\"\n[heading]\npermalink = \"Anchor: {title}\"\n",
	})
	if _, err := build(t, root, nil); err != nil {
		t.Fatal(err)
	}
	page := read(t, root, "guide-a/first/index.html")
	for _, want := range []string{`aria-label="In this chapter"`, `aria-label="Anchor: `, "Last updated"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if second := read(t, root, "guide-a/second/index.html"); !strings.Contains(second, "Nota bene") {
		t.Error("the callout title is not the site's string")
	}
	if strings.Contains(page, "On this page") || strings.Contains(page, "Link to this section") {
		t.Error("an overridden string still shows in English")
	}

	fr := newSite(t, "basic", map[string]string{"config.toml": strings.Replace(readBasicConfig(t), `languageCode = "en-GB"`, `languageCode = "fr"`, 1)})
	if _, err := build(t, fr, nil); err == nil || !strings.Contains(err.Error(), "i18n/fr.toml") {
		t.Errorf("a language without strings: %v", err)
	}
	sitetest.Apply(t, fr, map[string]string{"i18n/fr.toml": "[date]\nmonths = [\"janvier\", \"février\", \"mars\", \"avril\", \"mai\", \"juin\", \"juillet\", \"août\", \"septembre\", \"octobre\", \"novembre\", \"décembre\"]\nformat = \"{day} {month} {year}\"\n"})
	if _, err := build(t, fr, nil); err == nil || !strings.Contains(err.Error(), `no translation for "`) {
		t.Errorf("an incomplete translation: %v", err)
	}
}

func readBasicConfig(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "basic", "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestOfflineCopyBuild: the offline copy is written last, linked with its
// size, left out of what the service worker keeps, the same from build to
// build, and under a base path its links are still relative.
func TestOfflineCopyBuild(t *testing.T) {
	root := newSite(t, "basic", map[string]string{"config.toml": readBasicConfig(t) + "\n[outputs]\nofflineCopy = true\n"})
	var zips [][]byte
	for i, base := range []string{"", "", "https://kb.example.org/kb/"} {
		dest := filepath.Join(t.TempDir(), "out")
		if _, err := build(t, root, func(o *Options) { o.Dest = dest; o.BaseURL = base }); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dest, "test-kb-offline.zip"))
		if err != nil {
			t.Fatal(err)
		}
		zips = append(zips, data)
		home, _ := os.ReadFile(filepath.Join(dest, "index.html"))
		size := render.FileSize(int64(len(data)))
		if !strings.Contains(string(home), "(ZIP, "+size+":") {
			t.Errorf("build %d: the home page does not give the copy's size %s", i, size)
		}
		_ = filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if b, _ := os.ReadFile(p); bytes.Contains(b, copySizeBytes) {
					t.Errorf("build %d: %s still holds the size's placeholder", i, p)
				}
			}
			return nil
		})
		if sw, _ := os.ReadFile(filepath.Join(dest, "offline.json")); bytes.Contains(sw, []byte(".zip")) {
			t.Errorf("build %d: offline.json lists the copy", i)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Name != "test-kb-offline/guide-a/first/index.html" {
				continue
			}
			r, _ := f.Open()
			page, _ := io.ReadAll(r)
			r.Close()
			for _, want := range []string{`href="../../glossary/index.html#dynamic-security"`, `src="../img/map.svg"`} {
				if !strings.Contains(string(page), want) {
					t.Errorf("build %d: the copy's chapter lacks %s", i, want)
				}
			}
		}
	}
	if !bytes.Equal(zips[0], zips[1]) {
		t.Error("two builds of the same site made different copies")
	}
}
