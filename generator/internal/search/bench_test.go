package search_test

import (
	"context"
	"os"
	"testing"
	"time"

	"vepkb/generator/internal/search"
	"vepkb/generator/internal/site"
	"vepkb/generator/kbsearch/kbx"
)

// BenchmarkIndex10k indexes the 10,000-page synthetic corpus into the
// static format in memory (no compression, no files). Set KB_CORPUS to a
// built corpus folder (see docs/performance.md).
func BenchmarkIndex10k(b *testing.B) {
	root := os.Getenv("KB_CORPUS")
	if root == "" {
		b.Skip("set KB_CORPUS to a corpus folder with config.toml and themes/")
	}
	l, err := site.Load(context.Background(), site.Options{Root: root})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var total int64
		start := time.Now()
		man, docs, err := search.Build(context.Background(), l.Content, "/", kbx.DefaultPageSize, func(name string, data []byte) error {
			total += int64(len(data))
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(docs)), "docs")
		b.ReportMetric(float64(total)/1e6, "MB")
		b.ReportMetric(float64(len(man.Tables["postings"].Files)+len(man.Tables["dict"].Files)+len(man.Tables["stored"].Files)), "pages")
		b.Logf("%s", time.Since(start))
	}
}
