package kbxfiles

import (
	"bytes"
	"compress/flate"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vepkb/generator/kbsearch/kbx"
)

func deflate(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, 6)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSource(t *testing.T) {
	dir := t.TempDir()
	page := []byte("a page of the index, several times: a page of the index")
	os.WriteFile(filepath.Join(dir, "a.kbx"), deflate(t, page), 0o644)
	os.WriteFile(filepath.Join(dir, "b.kbx"), page, 0o644)
	ctx := context.Background()
	if got, err := (&Source{Dir: dir, Encoding: kbx.EncodingDeflateRaw}).Fetch(ctx, "a.kbx"); err != nil || !bytes.Equal(got, page) {
		t.Errorf("deflated file: %q, %v", got, err)
	}
	if got, err := (&Source{Dir: dir}).Fetch(ctx, "b.kbx"); err != nil || !bytes.Equal(got, page) {
		t.Errorf("plain file: %q, %v", got, err)
	}
	if _, err := (&Source{Dir: dir, Encoding: kbx.EncodingDeflateRaw}).Fetch(ctx, "b.kbx"); err == nil {
		t.Error("a file that is not deflated was read as if it were")
	}
	if _, err := (&Source{Dir: dir, Encoding: "zstd"}).Fetch(ctx, "a.kbx"); err == nil || !strings.Contains(err.Error(), "zstd") {
		t.Errorf("unknown encoding: %v", err)
	}
	if _, err := (&Source{Dir: dir}).Fetch(ctx, "missing.kbx"); err == nil {
		t.Error("a missing file was read")
	}
}

// TestSourceDictionary: files compressed with a preset dictionary read back
// through it; without it, or with the dictionary missing, they fail.
func TestSourceDictionary(t *testing.T) {
	dir := t.TempDir()
	dict := []byte("stored fields of the knowledge base: title, heading, body, url, crumb. ")
	page := []byte("the knowledge base: title and heading of a section, its body, url, crumb")
	var b bytes.Buffer
	w, _ := flate.NewWriterDict(&b, 6, dict)
	w.Write(page)
	w.Close()
	os.WriteFile(filepath.Join(dir, "p.kbx"), b.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "d.kbx"), deflate(t, dict), 0o644)
	if len(deflate(t, page)) <= b.Len() {
		t.Fatalf("the dictionary does not help (%d bytes with it, %d without): the test proves nothing", b.Len(), len(deflate(t, page)))
	}
	ctx := context.Background()
	src := &Source{Dir: dir, Encoding: kbx.EncodingDeflateRaw, Dictionary: "d.kbx"}
	for range 2 {
		if got, err := src.Fetch(ctx, "p.kbx"); err != nil || !bytes.Equal(got, page) {
			t.Errorf("with the dictionary: %q, %v", got, err)
		}
	}
	if got, err := src.Fetch(ctx, "d.kbx"); err != nil || !bytes.Equal(got, dict) {
		t.Errorf("the dictionary itself: %q, %v", got, err)
	}
	if got, err := (&Source{Dir: dir, Encoding: kbx.EncodingDeflateRaw}).Fetch(ctx, "p.kbx"); err == nil && bytes.Equal(got, page) {
		t.Error("a file compressed with a dictionary read back without it")
	}
	_, err := (&Source{Dir: dir, Encoding: kbx.EncodingDeflateRaw, Dictionary: "gone.kbx"}).Fetch(ctx, "p.kbx")
	if err == nil || !strings.Contains(err.Error(), "dictionary") || !strings.Contains(err.Error(), "gone.kbx") {
		t.Errorf("missing dictionary: %v", err)
	}
}

func TestManifest(t *testing.T) {
	dir := t.TempDir()
	if _, err := Manifest(dir); err == nil {
		t.Error("no manifest: no error")
	}
	os.WriteFile(filepath.Join(dir, "index.json"), []byte(`{"version": 8, "docs": 3, "encoding": "deflate-raw"}`), 0o644)
	man, err := Manifest(dir)
	if err != nil || man.Docs != 3 || man.Encoding != kbx.EncodingDeflateRaw {
		t.Fatalf("preview manifest: %+v, %v", man, err)
	}
	os.Remove(filepath.Join(dir, "index.json"))
	os.WriteFile(filepath.Join(dir, "index.0123.json"), []byte(`{"version": 8, "docs": 4}`), 0o644)
	if man, err := Manifest(dir); err != nil || man.Docs != 4 {
		t.Fatalf("built manifest: %+v, %v", man, err)
	}
	os.WriteFile(filepath.Join(dir, "index.4567.json"), []byte(`{}`), 0o644)
	if _, err := Manifest(dir); err == nil || !strings.Contains(err.Error(), "2 search index manifests") {
		t.Errorf("two manifests: %v", err)
	}
	os.Remove(filepath.Join(dir, "index.4567.json"))
	os.WriteFile(filepath.Join(dir, "index.0123.json"), []byte(`{"version": `), 0o644)
	if _, err := Manifest(dir); err == nil || !strings.Contains(err.Error(), "index.0123.json") {
		t.Errorf("bad JSON: %v", err)
	}
}
