package content

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func fm(title string, extra ...string) string {
	return "---\ntitle: " + title + "\n" + strings.Join(extra, "\n") + "\n---\nBody.\n"
}

func load(t *testing.T, files map[string]string, drafts bool) (*Site, error) {
	t.Helper()
	root := t.TempDir()
	write(t, root, files)
	return Load(context.Background(), Options{Root: root, Drafts: drafts, Taxonomies: []string{"tags", "audiences"}}, nil)
}

func titles(ps []*Page) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Title())
	}
	return strings.Join(out, ",")
}

func TestTreeOrderURLs(t *testing.T) {
	s, err := load(t, map[string]string{
		"content/_index.md":             fm("Home"),
		"content/b-guide/_index.md":     fm("B guide", "weight: 20"),
		"content/b-guide/zeta.md":       fm("Zeta", "weight: 10"),
		"content/b-guide/alpha.md":      fm("Alpha", "weight: 20"),
		"content/b-guide/beta.md":       fm("Beta", "weight: 20"),
		"content/b-guide/unweighted.md": fm("Aardvark"),
		"content/b-guide/sub/_index.md": fm("Sub", "weight: 15"),
		"content/b-guide/sub/inner.md":  fm("Inner", "slug: custom"),
		"content/a-guide/_index.md":     fm("A guide", "weight: 10"),
		"content/a-guide/one.md":        fm("One"),
		"content/glossary.md":           fm("Glossary"),
		"content/b-guide/img/map.png":   "png",
		"content/b-guide/.hidden.md":    fm("Hidden"),
		"content/b-guide/draft~":        "backup",
		"content/b-guide/_notes.md":     "notes",
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(s.Guides); got != "A guide,B guide" {
		t.Errorf("guides = %s", got)
	}
	b := s.Guides[1]
	if got := titles(b.Children); got != "Zeta,Sub,Alpha,Beta,Aardvark" {
		t.Errorf("children = %s", got)
	}
	var order []string
	for p := b; p != nil; p = p.Next {
		order = append(order, p.Title())
	}
	if got := strings.Join(order, ","); got != "B guide,Zeta,Sub,Inner,Alpha,Beta,Aardvark" {
		t.Errorf("reading order = %s", got)
	}
	for url, title := range map[string]string{"/": "Home", "/b-guide/": "B guide", "/b-guide/zeta/": "Zeta",
		"/b-guide/sub/": "Sub", "/b-guide/sub/custom/": "Inner", "/glossary/": "Glossary"} {
		if p := s.ByURL[url]; p == nil || p.Title() != title {
			t.Errorf("ByURL[%s] = %v", url, p)
		}
	}
	inner := s.ByURL["/b-guide/sub/custom/"]
	if inner.Guide != b || titles(inner.Ancestors()) != "Home,B guide,Sub" {
		t.Errorf("inner guide/ancestors wrong: %v", titles(inner.Ancestors()))
	}
	if titles(s.Standalone) != "Glossary" || s.ByURL["/glossary/"].Guide != nil {
		t.Errorf("standalone = %s", titles(s.Standalone))
	}
	if len(s.Files) != 1 || s.Files[0].Rel != "b-guide/img/map.png" {
		t.Errorf("files = %+v", s.Files)
	}
	if len(s.Pages) != 11 {
		t.Errorf("pages = %d", len(s.Pages))
	}
}

func TestDraftsAndTaxonomies(t *testing.T) {
	files := map[string]string{
		"content/_index.md":        fm("Home"),
		"content/g/_index.md":      fm("G", "audiences: [Prison administration, Civil society]", "tags: [women]"),
		"content/g/a.md":           fm("A", "tags: [Women, risk-assessment]"),
		"content/g/d.md":           fm("D", "draft: true", "tags: [secret]"),
		"content/hidden/_index.md": fm("Hidden", "draft: true"),
		"content/hidden/x.md":      fm("X"),
	}
	s, err := load(t, files, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.ByURL["/g/d/"] != nil || s.ByURL["/hidden/"] != nil || s.ByURL["/hidden/x/"] != nil {
		t.Error("drafts were kept")
	}
	if !s.Drafts["g/d.md"] || !s.Drafts["hidden/x.md"] {
		t.Errorf("drafts = %v", s.Drafts)
	}
	var tags *Taxonomy
	for _, tx := range s.Taxonomies {
		if tx.Name == "tags" {
			tags = tx
		}
	}
	if tags == nil || len(tags.Terms) != 2 {
		t.Fatalf("tags = %+v", tags)
	}
	women := tags.Terms[1]
	if women.Slug != "women" || women.URL != "/tags/women/" || titles(women.Pages) != "G,A" {
		t.Errorf("women term = %+v pages %s", women, titles(women.Pages))
	}
	if got := s.Terms(s.ByURL["/g/"], "audiences"); len(got) != 2 || got[0].URL != "/audiences/prison-administration/" {
		t.Errorf("audiences = %+v", got)
	}
	s, err = load(t, files, true)
	if err != nil {
		t.Fatal(err)
	}
	if s.ByURL["/g/d/"] == nil || s.ByURL["/hidden/x/"] == nil {
		t.Error("--drafts did not include drafts")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"empty file", map[string]string{"content/a.md": "  \n"}, []string{"content/a.md: empty file"}},
		{"invalid utf-8", map[string]string{"content/a.md": "---\ntitle: A\n---\nok \xff bad\n"}, []string{"content/a.md:4:4: invalid UTF-8"}},
		{"no front matter", map[string]string{"content/a.md": "# Title\n"}, []string{"content/a.md:1:1: no front matter"}},
		{"unclosed", map[string]string{"content/a.md": "---\ntitle: A\n"}, []string{"content/a.md:1:1: front matter opened"}},
		{"same URL", map[string]string{"content/a.md": fm("A"), "content/a/_index.md": fm("A2")},
			[]string{"content/a/_index.md: URL /a/ is also claimed by content/a.md"}},
		{"slug collision", map[string]string{"content/a.md": fm("A"), "content/b.md": fm("B", "slug: a")},
			[]string{"URL /a/ is also claimed by"}},
		{"all errors reported", map[string]string{"content/a.md": "", "content/b.md": "---\nweight: 1\n---\n", "content/c.md": fm("C", "weight: x")},
			[]string{"content/a.md: empty file", "content/b.md:1: title is required", "content/c.md:3:9: weight"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.files, false)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestSymlinkLoopDoesNotHang(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"content/_index.md": fm("Home"), "content/g/a.md": fm("A")})
	if err := os.Symlink("..", filepath.Join(root, "content", "g", "loop")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	if err := os.Symlink("self", filepath.Join(root, "content", "self")); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	_, err := Load(context.Background(), Options{Root: root}, func(s string) { warnings = append(warnings, s) })
	if err == nil || !strings.Contains(err.Error(), "content/self: broken symbolic link") {
		t.Fatalf("err = %v", err)
	}
	if len(warnings) == 0 || !strings.Contains(warnings[0], "content/g/loop: symbolic link to a folder is not followed") {
		t.Errorf("warnings = %v", warnings)
	}
}

// TestTitlesFromNames checks the titles made from folder names (a folder
// without _index.md) and taxonomy names in any script: the first letter is
// capitalised as a whole rune, never as a byte.
func TestTitlesFromNames(t *testing.T) {
	root := t.TempDir()
	folders := map[string]string{
		"дерадикализация":    "Дерадикализация",
		"ωμέγα-φάση":         "Ωμέγα φάση",
		"التطرف":             "التطرف", // Arabic has no capitals
		"e\u0301ducation":    "E\u0301ducation",
		"\u01c6emal":         "\u01c5emal", // dž: title case, not upper case (Ǆ)
		"\u0301accent-first": "\u0301accent first",
		"plain-latin":        "Plain latin",
	}
	files := map[string]string{"content/_index.md": fm("Home")}
	for dir := range folders {
		files["content/guide/"+dir+"/page.md"] = fm("Page")
	}
	write(t, root, files)
	s, err := Load(context.Background(), Options{Root: root, Taxonomies: []string{"теги", "étiquettes", "tags"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for dir, want := range folders {
		p := s.BySource["guide/"+dir+"/_index.md"]
		if p == nil {
			t.Errorf("%s: no section", dir)
			continue
		}
		if !utf8.ValidString(p.Title()) || p.Title() != want {
			t.Errorf("%s: title %q, want %q", dir, p.Title(), want)
		}
	}
	var got []string
	for _, tx := range s.Taxonomies {
		got = append(got, tx.Title)
	}
	if want := "Теги,Étiquettes,Tags"; strings.Join(got, ",") != want {
		t.Errorf("taxonomy titles %q, want %s", got, want)
	}
}
