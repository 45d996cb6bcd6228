package kbxwrite_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"

	"vepkb/generator/internal/search/kbxwrite"
	"vepkb/generator/kbsearch/kbx"
)

// TestDictionaryNames: with a preset dictionary, Build writes it and names
// every other file by its content and the dictionary's name, so that a
// file cached under its name is never read with another dictionary (the
// same bytes compress differently with another one). Without, files are
// named by their content alone, and the index reads the same either way.
func TestDictionaryNames(t *testing.T) {
	m := mapping.NewIndexMapping()
	doc := mapping.NewDocumentStaticMapping()
	for _, name := range []string{"title", "body"} {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = "standard"
		f.Store = true
		doc.AddFieldMappingsAt(name, f)
	}
	m.DefaultMapping = doc
	var docs []any
	for i := range 300 {
		docs = append(docs, map[string]any{
			"title": fmt.Sprintf("Guide %d: working with civil society organisations in prisons", i%9),
			"body":  fmt.Sprintf("Section %d. Civil society organisations support the rehabilitation and reintegration of prisoners, with prison staff and probation services (%d).", i, i*7),
		})
	}
	build := func(o kbxwrite.Options) (*kbx.Manifest, memSource) {
		src := memSource{}
		man, err := kbxwrite.Build(context.Background(), m, docs, o, func(name string, data []byte) error { src[name] = data; return nil })
		if err != nil {
			t.Fatal(err)
		}
		return man, src
	}
	hash := func(parts ...[]byte) string {
		h := sha256.New()
		for _, p := range parts {
			h.Write(p)
		}
		return hex.EncodeToString(h.Sum(nil)[:8]) + ".kbx"
	}
	plain, plainFiles := build(kbxwrite.Options{PageSize: 1024})
	if plain.Dictionary != "" {
		t.Errorf("a dictionary without asking: %s", plain.Dictionary)
	}
	for name, data := range plainFiles {
		if name != hash(data) {
			t.Errorf("%s is not named by its content", name)
		}
	}
	man, files := build(kbxwrite.Options{PageSize: 1024, Dictionary: 4096})
	dict := files[man.Dictionary]
	if len(dict) == 0 || len(dict) > 4096 || man.Dictionary != hash(dict) {
		t.Fatalf("dictionary %q: %d bytes", man.Dictionary, len(dict))
	}
	for name, data := range files {
		if name != man.Dictionary && name != hash([]byte(man.Dictionary), data) {
			t.Errorf("%s is not named by its content and the dictionary's name", name)
		}
		if _, ok := plainFiles[name]; ok && name != man.Dictionary {
			t.Errorf("%s has the same name with a dictionary as without", name)
		}
	}
	if len(files) != len(plainFiles)+1 {
		t.Errorf("%d files with a dictionary, %d without", len(files), len(plainFiles))
	}
	// The same index either way.
	a, err := kbx.Open(plain, plainFiles)
	if err != nil {
		t.Fatal(err)
	}
	b, err := kbx.Open(man, files)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for n := range uint64(len(docs)) {
		id := kbx.ExternalID(n, man.IDDigits)
		x, y := map[string]string{}, map[string]string{} // map documents store fields in any order
		a.Reader(ctx).VisitStored(id, func(name string, v []byte) { x[name] = string(v) })
		b.Reader(ctx).VisitStored(id, func(name string, v []byte) { y[name] = string(v) })
		if fmt.Sprint(x) != fmt.Sprint(y) || len(x) != 2 {
			t.Fatalf("document %s: %q with a dictionary, %q without", id, y, x)
		}
	}
}
