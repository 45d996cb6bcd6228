package search_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

type dirSource string

func (d dirSource) Fetch(_ context.Context, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(string(d), name))
}

// BenchmarkWarmQuery runs queries over a built site's static index after a
// first pass has fetched its pages: KB_BENCH_INDEX=/path/public/search-index.
func BenchmarkWarmQuery(b *testing.B) {
	dir := os.Getenv("KB_BENCH_INDEX")
	if dir == "" {
		b.Skip("set KB_BENCH_INDEX to a built site's search-index folder")
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "index.*.json"))
	if len(matches) == 0 {
		b.Fatal("no manifest")
	}
	data, _ := os.ReadFile(matches[0])
	var man kbx.Manifest
	if err := json.Unmarshal(data, &man); err != nil {
		b.Fatal(err)
	}
	ix, err := kbx.Open(&man, dirSource(dir))
	if err != nil {
		b.Fatal(err)
	}
	m, _ := schema.Mapping()
	ctx := context.Background()
	qs := []string{"dynamic security", "rehabilitaton", `"information sharing"`, "families -children", "risk assessment", "vetting"}
	for _, q := range qs {
		if _, err := engine.Search(ctx, ix.Reader(ctx), m, nil, engine.Request{Query: q}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range qs {
			if _, err := engine.Search(ctx, ix.Reader(ctx), m, nil, engine.Request{Query: q}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
