package incremental

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vepkb/generator/internal/output"
	"vepkb/generator/internal/site"
	"vepkb/generator/internal/sitetest"
)

// TestSessionMatchesFullBuild edits a site in many ways and checks, after
// each rebuild, that the preview folder holds exactly what a full build of
// the same sources writes, and that small edits render few pages.
func TestSessionMatchesFullBuild(t *testing.T) {
	root := sitetest.Basic(t)
	// The preview never offers offline reading; the full builds it is
	// compared with must not either.
	cfg, err := os.ReadFile(filepath.Join(root, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	sitetest.Apply(t, root, map[string]string{"config.toml": string(cfg) + "\n[outputs]\noffline = false\n"})
	dest := filepath.Join(t.TempDir(), "preview")
	s := NewSession(site.Options{Root: root, Dest: dest})
	if _, err := s.Rebuild(nil); err != nil {
		t.Fatal(err)
	}
	compare := func(step string) {
		t.Helper()
		if _, err := site.Build(context.Background(), site.Options{Root: root}); err != nil {
			t.Fatalf("%s: full build: %v", step, err)
		}
		want, wantFiles := treeHash(t, filepath.Join(root, "public"))
		got, gotFiles := treeHash(t, dest)
		if want == got {
			return
		}
		for f, h := range wantFiles {
			if gotFiles[f] != h {
				t.Errorf("%s: %s differs from a full build", step, f)
			}
		}
		for f := range gotFiles {
			if _, ok := wantFiles[f]; !ok {
				t.Errorf("%s: %s is left over", step, f)
			}
		}
	}
	compare("first build")

	firstMD, _ := os.ReadFile(filepath.Join(root, "content/guide-a/first.md"))
	secondMD, _ := os.ReadFile(filepath.Join(root, "content/guide-a/second.md"))
	steps := []struct {
		name    string
		changes map[string]string
		check   func(t *testing.T, up *Update)
	}{
		{"body edit", map[string]string{"content/guide-a/first.md": strings.Replace(string(firstMD), "Because.", "Because it matters.", 1)},
			func(t *testing.T, up *Update) {
				if up.Full || up.Rendered != 1 || strings.Join(up.Changed, " ") != "/guide-a/first/" {
					t.Errorf("a body edit rendered %d pages (full %v), changed %v", up.Rendered, up.Full, up.Changed)
				}
			}},
		{"first paragraph (listed excerpt)", map[string]string{"content/guide-a/second.md": strings.Replace(string(secondMD), "## Why it matters", "An opening line.\n\n## Why it matters", 1)},
			func(t *testing.T, up *Update) {
				if up.Full {
					t.Error("an excerpt edit rebuilt everything")
				}
			}},
		{"title edit", map[string]string{"content/guide-a/second.md": strings.Replace(string(secondMD), "Second chapter", "Second chapter, renamed", 1)},
			func(t *testing.T, up *Update) {
				if up.Full || up.Rendered < 4 {
					t.Errorf("a title edit rendered %d pages (full %v)", up.Rendered, up.Full)
				}
			}},
		{"weight edit", map[string]string{"content/guide-a/second.md": strings.Replace(string(secondMD), "weight = 20", "weight = 5", 1)}, nil},
		{"new tag", map[string]string{"content/guide-a/first.md": strings.Replace(string(firstMD), "tags: [risk-assessment, women]", "tags: [risk-assessment, women, families]", 1)}, nil},
		{"summary edit", map[string]string{"content/guide-a/part/deep.md": "---\ntitle: \"Deep page\"\nsummary: \"Now with a summary.\"\n---\nDeep content, linking [up](../first.md).\n"}, nil},
		{"new page", map[string]string{"content/guide-b/two.md": "---\ntitle: Two\n---\nSee [one](one.md).\n"},
			func(t *testing.T, up *Update) {
				if !up.Full {
					t.Error("a new page did not rebuild everything")
				}
			}},
		{"page removed", map[string]string{"content/guide-b/two.md": ""}, nil},
		{"draft published", map[string]string{"content/guide-a/draft.md": "---\ntitle: Now public\n---\nHello.\n"}, nil},
		{"rename", map[string]string{"content/guide-b/one.md": "", "content/guide-b/uno.md": "---\ntitle: \"Only chapter\"\n---\nPlain text.\n"}, nil},
		{"image", map[string]string{"content/guide-a/img/map.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>`},
			func(t *testing.T, up *Update) {
				if len(up.Changed) != 0 || strings.Join(up.Files, " ") != "guide-a/img/map.svg" {
					t.Errorf("an image edit changed pages %v, files %v", up.Changed, up.Files)
				}
			}},
		{"static file added", map[string]string{"static/files/extra.txt": "extra"}, nil},
		{"static file removed", map[string]string{"static/files/extra.txt": ""}, nil},
		{"file beside content added", map[string]string{"content/guide-b/notes.txt": "notes"}, nil},
		{"file beside content removed", map[string]string{"content/guide-b/notes.txt": ""}, nil},
		{"stylesheet", map[string]string{"themes/default/assets/css/main.css": readFile(t, filepath.Join(root, "themes/default/assets/css/main.css")) + "\n.kb-test{color:red}\n"},
			func(t *testing.T, up *Update) {
				if !up.CSSOnly {
					t.Errorf("a stylesheet edit is not CSS-only: %v", up.Files)
				}
			}},
		{"layout", map[string]string{"themes/default/layouts/404.html": strings.Replace(readFile(t, filepath.Join(root, "themes/default/layouts/404.html")), `<div class="prose">`, `<div class="prose not-found">`, 1)},
			func(t *testing.T, up *Update) {
				if !up.Full || up.CSSOnly {
					t.Errorf("a layout edit: full %v", up.Full)
				}
			}},
		{"config", map[string]string{"config.toml": strings.Replace(readFile(t, filepath.Join(root, "config.toml")), "Test KB", "Test Knowledge Base", 1)}, nil},
	}
	for _, st := range steps {
		sitetest.Apply(t, root, st.changes)
		var paths []string
		for rel := range st.changes {
			paths = append(paths, filepath.Join(root, filepath.FromSlash(rel)))
		}
		up, err := s.Rebuild(paths)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if st.check != nil {
			st.check(t, up)
		}
		compare(st.name)
	}

	// A broken file leaves the output as it was, and is reported.
	before, _ := treeHash(t, dest)
	sitetest.Apply(t, root, map[string]string{"content/guide-a/second.md": "+++\ntitle = \n+++\nBroken.\n"})
	if _, err := s.Rebuild([]string{filepath.Join(root, "content/guide-a/second.md")}); err == nil || !strings.Contains(err.Error(), "second.md:2") {
		t.Fatalf("broken front matter: err = %v", err)
	}
	if after, _ := treeHash(t, dest); after != before {
		t.Error("a failed rebuild changed the output")
	}
	// Saving another file keeps the broken one reported (its parse is cached, not re-read).
	other := filepath.Join(root, "content/guide-a/part/deep.md")
	sitetest.Apply(t, root, map[string]string{"content/guide-a/part/deep.md": readFile(t, other) + "\nMore.\n"})
	if _, err := s.Rebuild([]string{other}); err == nil || !strings.Contains(err.Error(), "second.md:2") {
		t.Fatalf("another file saved while one is broken: err = %v", err)
	}
	sitetest.Apply(t, root, map[string]string{"content/guide-a/second.md": string(secondMD)})
	if _, err := s.Rebuild([]string{filepath.Join(root, "content/guide-a/second.md")}); err != nil {
		t.Fatal(err)
	}
	compare("fixed")

	// A broken layout stays reported through later content edits.
	layout := filepath.Join(root, "themes/default/layouts/404.html")
	good := readFile(t, layout)
	sitetest.Apply(t, root, map[string]string{"themes/default/layouts/404.html": good + "{{if}}"})
	if _, err := s.Rebuild([]string{layout}); err == nil {
		t.Fatal("a broken layout built")
	}
	sitetest.Apply(t, root, map[string]string{"content/guide-b/uno.md": "---\ntitle: \"Only chapter\"\n---\nEdited.\n"})
	if _, err := s.Rebuild([]string{filepath.Join(root, "content/guide-b/uno.md")}); err == nil || !strings.Contains(err.Error(), "404.html") {
		t.Fatalf("content edit while a layout is broken: err = %v", err)
	}
	sitetest.Apply(t, root, map[string]string{"themes/default/layouts/404.html": good})
	if _, err := s.Rebuild([]string{layout}); err != nil {
		t.Fatal(err)
	}
	compare("layout fixed")
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// treeHash hashes every file path and content below dir (the output
// manifest left out: a full build's record of itself, not part of the site)
// and returns the hash of each file.
func treeHash(t testing.TB, dir string) (string, map[string]string) {
	t.Helper()
	files := map[string]string{}
	for rel, data := range sitetest.Tree(t, dir) {
		if strings.HasSuffix(rel, "/") || rel == output.ManifestName {
			continue
		}
		sum := sha256.Sum256([]byte(data))
		files[rel] = hex.EncodeToString(sum[:])
	}
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(files)) {
		h.Write([]byte(k + "\x00" + files[k] + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil)), files
}
