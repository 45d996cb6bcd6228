// Package sitetest sets up sites on disk for tests: copies of folders, the
// small test site of the site package with the default theme, and listings
// of file trees to compare before and after.
package sitetest

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// RepoRoot returns the repository root (found from this file's place).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the repository")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// CopyTree copies the folder src into dst.
func CopyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Basic returns a temporary copy of the site package's test site
// (generator/internal/site/testdata/basic) with the default theme.
func Basic(t testing.TB) string {
	t.Helper()
	repo := RepoRoot(t)
	root := t.TempDir()
	CopyTree(t, filepath.Join(repo, "generator", "internal", "site", "testdata", "basic"), root)
	CopyTree(t, filepath.Join(repo, "themes", "default"), filepath.Join(root, "themes", "default"))
	return root
}

// Apply writes files under root (slash paths relative to it), creating
// folders; a path mapped to "" is removed instead.
func Apply(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for rel, body := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if body == "" {
			if err := os.RemoveAll(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Tree lists every file and folder under dir (slash paths; folders end in
// "/", symbolic links read "-> target") with each file's bytes. A missing
// dir gives an empty tree.
func Tree(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			out[rel+"/"] = ""
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[rel] = "-> " + l
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(data)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

// TreeDiff names the first difference between two Trees, or returns "".
func TreeDiff(before, after map[string]string) string {
	for _, k := range slices.Sorted(maps.Keys(before)) {
		if v, ok := after[k]; !ok {
			return "gone: " + k
		} else if v != before[k] {
			return "changed: " + k
		}
	}
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if _, ok := before[k]; !ok {
			return "added: " + k
		}
	}
	return ""
}
