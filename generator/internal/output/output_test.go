package output

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"vepkb/generator/internal/sitetest"
)

// site makes a site root with the folders a build reads and returns the
// options that protect them.
func site(t *testing.T) (root string, opt Options) {
	t.Helper()
	root = filepath.Join(t.TempDir(), "site")
	for _, d := range []string{"content/guide", "themes/default", "static"} {
		mkdir(t, filepath.Join(root, d))
	}
	write(t, filepath.Join(root, "content", "guide", "page.md"), "# page\n")
	write(t, filepath.Join(root, "config.toml"), "title = 'x'\n")
	return root, Options{Sources: []Protected{
		{Path: root, What: "the site's root folder"},
		{Path: filepath.Join(root, "content"), What: "the site's content folder"},
		{Path: filepath.Join(root, "themes"), What: "the site's themes folder"},
		{Path: filepath.Join(root, "layouts"), What: "the site's layouts folder"},
		{Path: filepath.Join(root, "static"), What: "the site's static folder"},
	}}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, file, text string) {
	t.Helper()
	mkdir(t, filepath.Dir(file))
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// build writes files (slash path → text) through a Target on dir and commits.
func build(t *testing.T, dir string, opt Options, files map[string]string) (Summary, error) {
	t.Helper()
	tg, err := Open(dir, opt)
	if err != nil {
		return Summary{}, err
	}
	defer tg.Discard()
	names := make([]string, 0, len(files))
	for rel := range files {
		names = append(names, rel)
	}
	slices.Sort(names)
	for _, rel := range names {
		if err := tg.WriteFile(rel, []byte(files[rel])); err != nil {
			return Summary{}, err
		}
	}
	return tg.Commit()
}

var siteFiles = map[string]string{"index.html": "home", "guide/index.html": "guide", "css/main.css": "body{}"}

func stagingLeft(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".staging-*"))
	return m
}

// TestRefused: folders that must never receive the output are refused,
// with --force too, and nothing in them changes.
func TestRefused(t *testing.T) {
	root, opt := site(t)
	home := filepath.Join(t.TempDir(), "home")
	mkdir(t, filepath.Join(home, "Documents"))
	write(t, filepath.Join(home, "Documents", "thesis.txt"), "years of work")
	t.Setenv("HOME", home)
	links := t.TempDir()
	if err := os.Symlink(filepath.Dir(root), filepath.Join(links, "to-parent")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "content"), filepath.Join(links, "to-content")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(links, "file"), "a file")
	tests := []struct {
		name, dir, reason string
	}{
		{"site root", root, "it is the site's root folder"},
		{"parent of the site root", filepath.Dir(root), "it holds the site's root folder"},
		{"grandparent of the site root", filepath.Dir(filepath.Dir(root)), "it holds "},
		{"content", filepath.Join(root, "content"), "it is the site's content folder"},
		{"inside content", filepath.Join(root, "content", "guide", "out"), "it is inside the site's content folder"},
		{"themes", filepath.Join(root, "themes"), "it is the site's themes folder"},
		{"inside static", filepath.Join(root, "static", "public"), "it is inside the site's static folder"},
		{"layouts, not there yet", filepath.Join(root, "layouts"), "it is the site's layouts folder"},
		{"home", home, "it is your home folder"},
		{"above home", filepath.Dir(home), "it holds your home folder"},
		{"file-system root", "/", "it is the root of the file system"},
		{"link to the site's parent", filepath.Join(links, "to-parent"), "it holds the site's root folder"},
		{"through a link into content", filepath.Join(links, "to-content", "public"), "it is inside the site's content folder"},
		{"a file", filepath.Join(links, "file"), "it is a file"},
		{"dot-dot path to the parent", filepath.Join(root, "public", "..", ".."), "it holds the site's root folder"},
	}
	for _, tt := range tests {
		for _, force := range []bool{false, true} {
			t.Run(tt.name, func(t *testing.T) {
				before := sitetest.Tree(t, filepath.Dir(root))
				o := opt
				o.Force = force
				_, err := build(t, tt.dir, o, siteFiles)
				var re *RefusedError
				if !errors.As(err, &re) {
					t.Fatalf("force=%v: error %v, want a refusal", force, err)
				}
				if !strings.Contains(err.Error(), tt.reason) || !strings.Contains(err.Error(), "nothing was changed") {
					t.Errorf("message %q lacks %q", err, tt.reason)
				}
				if d := sitetest.TreeDiff(before, sitetest.Tree(t, filepath.Dir(root))); d != "" {
					t.Errorf("the site's folder changed (%s)", d)
				}
				if _, err := os.Stat(filepath.Join(home, "Documents", "thesis.txt")); err != nil {
					t.Errorf("home: %v", err)
				}
			})
		}
	}
}

// TestForeignFolder: a folder holding files the generator did not write is
// refused, naming them; --force writes beside them and keeps them.
func TestForeignFolder(t *testing.T) {
	_, opt := site(t)
	dir := filepath.Join(t.TempDir(), "site-copy")
	write(t, filepath.Join(dir, "docs", "thesis.txt"), "thesis")
	write(t, filepath.Join(dir, "notes.txt"), "notes")
	before := sitetest.Tree(t, dir)
	_, err := build(t, dir, opt, siteFiles)
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want a refusal", err)
	}
	for _, want := range []string{dir, "docs/thesis.txt", "notes.txt", "--force"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if sitetest.TreeDiff(before, sitetest.Tree(t, dir)) != "" {
		t.Fatal("the refused folder changed")
	}
	if s := stagingLeft(t, dir); len(s) > 0 {
		t.Errorf("staging left: %v", s)
	}

	opt.Force = true
	sum, err := build(t, dir, opt, siteFiles)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Kept != 2 || sum.Written != 3 {
		t.Errorf("summary %+v, want 3 written, 2 kept", sum)
	}
	got := sitetest.Tree(t, dir)
	if got["docs/thesis.txt"] != "thesis" || got["notes.txt"] != "notes" || got["index.html"] != "home" {
		t.Errorf("after --force: %v", got)
	}
	// The folder is now an earlier output: the next build needs no flag,
	// removes only what it wrote, and still keeps the user's files.
	opt.Force = false
	if _, err := build(t, dir, opt, map[string]string{"index.html": "home 2"}); err != nil {
		t.Fatal(err)
	}
	got = sitetest.Tree(t, dir)
	if got["docs/thesis.txt"] != "thesis" || got["notes.txt"] != "notes" || got["index.html"] != "home 2" {
		t.Errorf("second build: %v", got)
	}
	if _, ok := got["guide/index.html"]; ok {
		t.Error("a page the new build no longer has was kept")
	}
	if _, ok := got["css/"]; ok {
		t.Error("a folder the removals emptied was kept")
	}
}

// TestCollisions: even with --force, a file the generator did not write is
// never overwritten, and the destination stays as it was.
func TestCollisions(t *testing.T) {
	_, opt := site(t)
	for _, tt := range []struct {
		name  string
		setup func(dir string)
		force bool
	}{
		{"forced into a folder with the same file", func(dir string) { write(t, filepath.Join(dir, "index.html"), "mine") }, true},
		{"a file added to an earlier output", func(dir string) {
			if _, err := build(t, dir, opt, map[string]string{"index.html": "home"}); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "guide", "index.html"), "mine")
		}, false},
		{"a file where the build needs a folder", func(dir string) {
			if _, err := build(t, dir, opt, map[string]string{"index.html": "home"}); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "guide"), "mine")
		}, false},
		{"a link where the build needs a folder", func(dir string) {
			if _, err := build(t, dir, opt, map[string]string{"index.html": "home"}); err != nil {
				t.Fatal(err)
			}
			mkdir(t, dir+"-elsewhere")
			if err := os.Symlink(dir+"-elsewhere", filepath.Join(dir, "guide")); err != nil {
				t.Fatal(err)
			}
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "public")
			tt.setup(dir)
			before := sitetest.Tree(t, filepath.Dir(dir))
			o := opt
			o.Force = tt.force
			_, err := build(t, dir, o, siteFiles)
			if err == nil || !strings.Contains(err.Error(), "not written by this generator") {
				t.Fatalf("error %v, want a collision", err)
			}
			if sitetest.TreeDiff(before, sitetest.Tree(t, filepath.Dir(dir))) != "" {
				t.Error("the destination changed")
			}
		})
	}
}

// TestRebuild: over an earlier output, unchanged files are left alone (same
// inode, not rewritten), changed ones are replaced, removed ones deleted.
func TestRebuild(t *testing.T) {
	_, opt := site(t)
	for _, name := range []string{"new", "empty"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "public")
			if name == "empty" {
				mkdir(t, dir)
			}
			sum, err := build(t, dir, opt, siteFiles)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Written != 3 {
				t.Errorf("first build %+v", sum)
			}
			ino := func(rel string) uint64 {
				info, err := os.Stat(filepath.Join(dir, rel))
				if err != nil {
					t.Fatal(err)
				}
				return info.Sys().(*syscall.Stat_t).Ino
			}
			home, css := ino("index.html"), ino("css/main.css")
			next := map[string]string{"index.html": "home", "css/main.css": "body{color:red}", "guide/two/index.html": "two"}
			sum, err = build(t, dir, opt, next)
			if err != nil {
				t.Fatal(err)
			}
			if sum != (Summary{Written: 2, Unchanged: 1, Removed: 1}) {
				t.Errorf("rebuild %+v", sum)
			}
			if ino("index.html") != home {
				t.Error("an unchanged file was rewritten")
			}
			if ino("css/main.css") == css {
				t.Error("a changed file kept its inode")
			}
			got := sitetest.Tree(t, dir)
			want := map[string]string{"index.html": "home", "css/main.css": "body{color:red}", "guide/two/index.html": "two"}
			for rel, text := range want {
				if got[rel] != text {
					t.Errorf("%s = %q, want %q", rel, got[rel], text)
				}
			}
			if _, ok := got["guide/index.html"]; ok {
				t.Error("removed page still there")
			}
			if s := stagingLeft(t, dir); len(s) > 0 {
				t.Errorf("staging left: %v", s)
			}
			// Nothing changed: nothing is written, the manifest included.
			man := ino(ManifestName)
			if sum, err = build(t, dir, opt, next); err != nil || sum.Written != 0 || sum.Unchanged != 3 {
				t.Errorf("no-change rebuild %+v, %v", sum, err)
			}
			if ino(ManifestName) != man {
				t.Error("a no-change rebuild rewrote the manifest")
			}
		})
	}
}

// TestDiscardLeavesOutput: a build that is discarded (an error, a signal)
// leaves the earlier output exactly as it was and no staging folder.
func TestDiscardLeavesOutput(t *testing.T) {
	_, opt := site(t)
	dir := filepath.Join(t.TempDir(), "public")
	if _, err := build(t, dir, opt, siteFiles); err != nil {
		t.Fatal(err)
	}
	before := sitetest.Tree(t, filepath.Dir(dir))
	tg, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	for rel := range map[string]string{"index.html": "new", "other/index.html": "x"} {
		if err := tg.WriteFile(rel, []byte("new")); err != nil {
			t.Fatal(err)
		}
	}
	if len(stagingLeft(t, dir)) != 1 {
		t.Fatal("no staging folder beside the destination while building")
	}
	tg.Discard()
	if sitetest.TreeDiff(before, sitetest.Tree(t, filepath.Dir(dir))) != "" {
		t.Error("a discarded build changed the folder")
	}
}

// TestLeftoverStaging: a staging folder left by a killed build is removed
// by the next build; one that a running build holds is not touched.
func TestLeftoverStaging(t *testing.T) {
	_, opt := site(t)
	dir := filepath.Join(t.TempDir(), "public")
	if _, err := build(t, dir, opt, siteFiles); err != nil {
		t.Fatal(err)
	}
	// A build that was killed: its lock died with it.
	left := filepath.Join(filepath.Dir(dir), ".public.staging-123")
	write(t, filepath.Join(left, stagingMarker), "99999\n")
	write(t, filepath.Join(left, "a", "index.html"), "half")
	notOurs := filepath.Join(filepath.Dir(dir), ".public.staging-someone-elses")
	write(t, filepath.Join(notOurs, "keep.txt"), "keep")
	var notes []string
	o := opt
	o.Notef = func(f string, a ...any) { notes = append(notes, f) }
	if _, err := build(t, dir, o, siteFiles); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover staging folder still there: %v", err)
	}
	if len(notes) != 1 {
		t.Errorf("notes %q, want one about the leftover", notes)
	}
	if _, err := os.Stat(filepath.Join(notOurs, "keep.txt")); err != nil {
		t.Errorf("a folder without the staging marker was touched: %v", err)
	}

	// A build that is still running holds its staging folder: a second
	// build refuses to start rather than remove it.
	running, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Discard()
	if _, err := build(t, dir, opt, siteFiles); err == nil || !strings.Contains(err.Error(), "another build is writing") {
		t.Errorf("second build: %v, want 'another build is writing'", err)
	}
	if len(stagingLeft(t, dir)) == 0 {
		t.Error("the running build's staging folder was removed")
	}
}

// TestInterruptedCommit: a commit cut short (the process killed while it
// renamed files in) leaves a manifest that lists the old and new files, so
// the next build still recognises the folder and repairs it.
func TestInterruptedCommit(t *testing.T) {
	_, opt := site(t)
	dir := filepath.Join(t.TempDir(), "public")
	if _, err := build(t, dir, opt, siteFiles); err != nil {
		t.Fatal(err)
	}
	// What a killed commit leaves: the "updating" manifest, some files new.
	write(t, filepath.Join(dir, "new", "index.html"), "new")
	m, err := readManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	m.State = "updating"
	m.Files = append(m.Files, "new/index.html")
	if err := writeManifest(filepath.Join(dir, ManifestName), m); err != nil {
		t.Fatal(err)
	}
	sum, err := build(t, dir, opt, map[string]string{"index.html": "home"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Removed != 3 || sum.Kept != 0 {
		t.Errorf("repair %+v", sum)
	}
	got := sitetest.Tree(t, dir)
	if len(got) != 3 || got["index.html"] != "home" {
		t.Errorf("after repair: %v", got)
	}
	if m, err := readManifest(dir); err != nil || m.State != "complete" {
		t.Errorf("manifest %+v, %v", m, err)
	}
}

// TestFatalWriteError: errors that fail every file are reported once, as a
// WriteError naming the folder, and later writes return the same error.
func TestFatalWriteError(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores folder permissions; the full-disk test covers this as root")
	}
	_, opt := site(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	calls := 0
	opt.OnFatal = func(error) { calls++ }
	tg, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Discard()
	if err := os.Chmod(tg.staging, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(tg.staging, 0o755)
	var first error
	for _, rel := range []string{"a/index.html", "b/index.html", "c.css"} {
		err := tg.WriteFile(rel, []byte("x"))
		var we *WriteError
		if !errors.As(err, &we) {
			t.Fatalf("%s: %v, want a WriteError", rel, err)
		}
		if first == nil {
			first = err
		} else if err != first {
			t.Errorf("%s: a second error %v", rel, err)
		}
	}
	if calls != 1 {
		t.Errorf("OnFatal called %d times", calls)
	}
}
