package search_test

import (
	"bytes"
	"compress/flate"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vepkb/generator/internal/search"
	"vepkb/generator/internal/search/kbxfiles"
	"vepkb/generator/internal/search/kbxwrite"
	"vepkb/generator/internal/search/presetdict"
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
		man, docs, err := search.Build(context.Background(), l.Content, "/", kbxwrite.Options{}, func(name string, data []byte) error {
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

// BenchmarkPresetDictionary measures what the preset dictionary saves: the
// index of the bundled knowledge base (or of the site at KB_CORPUS) is
// built in memory without and with one, and every file deflated as Publish
// does (level 6), then read back. Reported: the stored table's and all
// files' compressed bytes each way, and the build's time with it.
func BenchmarkPresetDictionary(b *testing.B) {
	root := os.Getenv("KB_CORPUS")
	if root == "" {
		root, _ = filepath.Abs("../../..")
	}
	l, err := site.Load(context.Background(), site.Options{Root: root})
	if err != nil {
		b.Fatal(err)
	}
	var pages [][]byte // the stored table's pages, without a dictionary
	size := func(o kbxwrite.Options) (stored, all int, took time.Duration) {
		files := map[string][]byte{}
		start := time.Now()
		man, _, err := search.Build(context.Background(), l.Content, "/", o, func(name string, data []byte) error {
			files[name] = data
			return nil
		})
		took = time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		dict := files[man.Dictionary]
		storedFiles := map[string]bool{}
		for _, f := range man.Tables["stored"].Files {
			storedFiles[f] = true
		}
		for name, data := range files {
			d := dict
			if name == man.Dictionary {
				d = nil
			}
			var buf bytes.Buffer
			w, _ := flate.NewWriterDict(&buf, 6, d)
			w.Write(data)
			w.Close()
			if got, err := kbxfiles.Decode(kbx.EncodingDeflateRaw, d, buf.Bytes()); err != nil || !bytes.Equal(got, data) {
				b.Fatalf("%s does not read back: %v", name, err)
			}
			all += buf.Len()
			if storedFiles[name] {
				stored += buf.Len()
				if d == nil {
					pages = append(pages, data)
				}
			}
		}
		return stored, all, took
	}
	for b.Loop() {
		s0, a0, t0 := size(kbxwrite.Options{})
		s1, a1, t1 := size(kbxwrite.Options{Dictionary: kbxwrite.DictionarySize})
		b.ReportMetric(float64(s0), "stored-B")
		b.ReportMetric(float64(s1), "stored-dict-B")
		b.ReportMetric(float64(a0), "all-B")
		b.ReportMetric(float64(a1), "all-dict-B")
		start := time.Now()
		presetdict.Train(pages, kbxwrite.DictionarySize)
		train := time.Since(start)
		pages = nil
		b.ReportMetric(float64(train.Microseconds())/1e3, "train-ms")
		b.Logf("stored table %d → %d bytes (%.3f), all files %d → %d; build %v without, %v with; training on the stored pages %v", s0, s1, float64(s1)/float64(s0), a0, a1, t0, t1, train)
	}
}
