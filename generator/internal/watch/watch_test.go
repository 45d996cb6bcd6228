package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

type fixture struct {
	t    *testing.T
	root string
	w    *Watcher
}

func start(t *testing.T) *fixture {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"content/guide", "themes/default/layouts", "public"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(root, "config.toml"), "title = 'x'\n")
	w, err := New(Options{
		Dirs:  []string{filepath.Join(root, "content"), filepath.Join(root, "themes"), filepath.Join(root, "layouts")},
		Files: []string{filepath.Join(root, "config.toml")},
		Skip:  []string{filepath.Join(root, "content", "public")},
		// Long enough that a loaded machine does not split a burst: with
		// the default 2 s cap, writing 1,000 files while other test
		// packages ran once took longer and split the burst (999 + 1).
		Quiet:   400 * time.Millisecond,
		MaxWait: 30 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return &fixture{t, root, w}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) path(rel string) string { return filepath.Join(f.root, filepath.FromSlash(rel)) }

// next waits for a batch.
func (f *fixture) next() Batch {
	f.t.Helper()
	select {
	case b := <-f.w.Batches():
		return b
	case err := <-f.w.Errors():
		f.t.Fatalf("watch error: %v", err)
	case <-time.After(10 * time.Second):
		f.t.Fatal("no batch within 10 s")
	}
	return Batch{}
}

// none checks that no batch comes for a while.
func (f *fixture) none() {
	f.t.Helper()
	select {
	case b := <-f.w.Batches():
		f.t.Fatalf("unexpected batch %v", b.Paths)
	case <-time.After(1000 * time.Millisecond): // well past the fixture's Quiet
	}
}

func (f *fixture) expect(b Batch, rels ...string) {
	f.t.Helper()
	var want []string
	for _, r := range rels {
		want = append(want, f.path(r))
	}
	slices.Sort(want)
	if !slices.Equal(b.Paths, want) {
		f.t.Fatalf("batch %v, want %v", b.Paths, want)
	}
}

func TestWriteCreateDelete(t *testing.T) {
	f := start(t)
	write(t, f.path("content/guide/a.md"), "one")
	f.expect(f.next(), "content/guide/a.md")
	write(t, f.path("content/guide/a.md"), "two")
	f.expect(f.next(), "content/guide/a.md")
	if err := os.Remove(f.path("content/guide/a.md")); err != nil {
		t.Fatal(err)
	}
	f.expect(f.next(), "content/guide/a.md")
	write(t, f.path("config.toml"), "title = 'y'\n")
	f.expect(f.next(), "config.toml")
	write(t, f.path("themes/default/layouts/page.html"), "x")
	f.expect(f.next(), "themes/default/layouts/page.html")
}

// TestEditorSaves follows the ways editors save: vim (backup by rename, 4913
// probe, swap file), emacs (lock link, autosave), JetBrains (safe write),
// and a plain write-temp-then-rename.
func TestEditorSaves(t *testing.T) {
	f := start(t)
	page := f.path("content/guide/page.md")
	write(t, page, "v1")
	f.expect(f.next(), "content/guide/page.md")

	// vim with backupcopy=no.
	write(t, f.path("content/guide/4913"), "")
	os.Remove(f.path("content/guide/4913"))
	write(t, f.path("content/guide/.page.md.swp"), "swap")
	if err := os.Rename(page, page+"~"); err != nil {
		t.Fatal(err)
	}
	write(t, page, "v2")
	os.Remove(page + "~")
	f.expect(f.next(), "content/guide/page.md")

	// emacs.
	_ = os.Symlink("user@host.1234", f.path("content/guide/.#page.md"))
	write(t, f.path("content/guide/#page.md#"), "autosave")
	write(t, page, "v3")
	f.expect(f.next(), "content/guide/page.md")

	// JetBrains safe write.
	write(t, page+"___jb_tmp___", "v4")
	if err := os.Rename(page, page+"___jb_old___"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(page+"___jb_tmp___", page); err != nil {
		t.Fatal(err)
	}
	os.Remove(page + "___jb_old___")
	f.expect(f.next(), "content/guide/page.md")

	// Atomic save through a temporary file.
	write(t, f.path("content/guide/.page.md.tmp123"), "v5")
	if err := os.Rename(f.path("content/guide/.page.md.tmp123"), page); err != nil {
		t.Fatal(err)
	}
	f.expect(f.next(), "content/guide/page.md")

	// Only editor files: nothing to rebuild.
	write(t, f.path("content/guide/notes.md~"), "x")
	write(t, f.path("content/guide/.page.md.swx"), "x")
	f.none()
}

func TestNewFoldersAreWatched(t *testing.T) {
	f := start(t)
	// A nested folder created with a file in it at once.
	write(t, f.path("content/new/deeper/page.md"), "x")
	b := f.next()
	if !slices.Contains(b.Paths, f.path("content/new/deeper/page.md")) {
		t.Fatalf("batch %v misses the new file", b.Paths)
	}
	// Later writes in it are seen.
	write(t, f.path("content/new/deeper/page.md"), "y")
	f.expect(f.next(), "content/new/deeper/page.md")
	// A watched folder that did not exist at start (layouts/).
	write(t, f.path("layouts/page.html"), "x")
	b = f.next()
	if !slices.Contains(b.Paths, f.path("layouts/page.html")) {
		t.Fatalf("batch %v misses layouts/page.html", b.Paths)
	}
	write(t, f.path("layouts/page.html"), "y")
	f.expect(f.next(), "layouts/page.html")
	// Renaming a folder reports both names.
	if err := os.Rename(f.path("content/new"), f.path("content/renamed")); err != nil {
		t.Fatal(err)
	}
	b = f.next()
	if !slices.Contains(b.Paths, f.path("content/new")) || !slices.Contains(b.Paths, f.path("content/renamed")) {
		t.Fatalf("folder rename gave %v", b.Paths)
	}
	write(t, f.path("content/renamed/deeper/page.md"), "z")
	f.expect(f.next(), "content/renamed/deeper/page.md")
}

func TestOutsideIsIgnored(t *testing.T) {
	f := start(t)
	write(t, f.path("public/index.html"), "x")
	write(t, f.path("content/public/x.html"), "x")
	write(t, f.path("README.md"), "x")
	f.none()
}

// TestBurstIsOneBatch writes 1,000 files, as a git checkout does: one batch.
func TestBurstIsOneBatch(t *testing.T) {
	f := start(t)
	for i := 0; i < 1000; i++ {
		write(t, f.path(fmt.Sprintf("content/guide/p%04d.md", i)), "x")
	}
	b := f.next()
	if len(b.Paths) != 1000 {
		t.Fatalf("first batch has %d paths, want 1000", len(b.Paths))
	}
	f.none()
}

func TestLimitErrorExplains(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&os.SyscallError{Syscall: "inotify_add_watch", Err: syscall.ENOSPC}, "sudo sysctl fs.inotify.max_user_watches=524288"},
		{syscall.EMFILE, "fs.inotify.max_user_instances"},
	} {
		err := limitError("/site/content/guide", c.err)
		var le *LimitError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "/site/content/guide") {
			t.Errorf("%v: %v", c.err, err)
		}
	}
	if err := limitError("/x", os.ErrPermission); errors.As(err, new(*LimitError)) {
		t.Errorf("permission error taken for a limit: %v", err)
	}
}

// TestBurstWithDefaults: with the default quiet times (short for single
// saves), a checkout-like burst is still one batch.
func TestBurstWithDefaults(t *testing.T) {
	root := t.TempDir()
	w, err := New(Options{Dirs: []string{root}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	start := time.Now()
	for i := 0; i < 1000; i++ {
		write(t, filepath.Join(root, "guide", fmt.Sprintf("p%04d.md", i)), "x")
	}
	took := time.Since(start)
	f := &fixture{t, root, w}
	b := f.next()
	// The folder itself, then its files: one batch, unless writing them
	// took longer than MaxWait (2 s by default), after which a batch is
	// delivered while events keep coming, by design (a loaded machine once
	// took that long). Then every path still arrives, in two batches.
	if took >= 2*time.Second {
		t.Logf("writing took %v, past MaxWait: the burst may come in two batches", took)
		seen := map[string]bool{}
		for _, p := range b.Paths {
			seen[p] = true
		}
		for len(seen) < 1001 {
			for _, p := range f.next().Paths {
				seen[p] = true
			}
		}
		return
	}
	if len(b.Paths) != 1001 {
		t.Fatalf("first batch has %d paths, want 1001 (writing took %v)", len(b.Paths), took)
	}
	f.none()
}
