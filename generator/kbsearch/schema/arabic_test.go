package schema

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/mapping"
)

// TestArabicFiltersSkipASCII checks that the analyzers give exactly what
// they give with Bleve's own Arabic filters on every word and Bleve's own
// Porter stemmer (without a cache), over every content file and Arabic,
// Latin and mixed samples, each analysed twice (the second time every stem
// comes from the cache), and from several goroutines at once.
func TestArabicFiltersSkipASCII(t *testing.T) {
	m, err := Mapping()
	if err != nil {
		t.Fatal(err)
	}
	ref := mapping.NewIndexMapping()
	for name, filters := range map[string][]any{
		TextAnalyzer:  {en.PossessiveName, lowercase.Name, en.StopName, ar.NormalizeName, ar.StemmerName, porter.Name},
		WordsAnalyzer: {en.PossessiveName, lowercase.Name, en.StopName, ar.NormalizeName},
	} {
		if err := ref.AddCustomAnalyzer(name, map[string]any{"type": "custom", "tokenizer": acronymTokenizerName, "token_filters": filters}); err != nil {
			t.Fatal(err)
		}
	}
	texts := []string{
		"الإدماج وإعادة الإدماج، التأهيل والمراقبة؛ السجناء المتطرفون العنيفون",
		"أَحْمَد إِدماج آمنة ـــ كتابة ﻻ",
		"réinsertion sociale, désengagement, дерадикализация ресоциализацией",
		"mixed الإدماج and English words, P/CVE, ERG22+ and ÉCOLE", "",
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "content", "*", "*.md"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	if len(files) < 50 {
		t.Fatalf("only %d content files", len(files))
	}
	arabic := 0
	for _, name := range []string{TextAnalyzer, WordsAnalyzer} {
		for pass := range 2 {
			for i, text := range texts {
				got := terms(m.AnalyzerNamed(name).Analyze([]byte(text)))
				want := terms(ref.AnalyzerNamed(name).Analyze([]byte(text)))
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, pass %d, text %d: %q, Bleve's filters give %q", name, pass, i, got, want)
				}
				for _, w := range got {
					if strings.ContainsAny(w, "ادج") {
						arabic++
					}
				}
			}
		}
	}
	fresh, err := Mapping()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range texts {
				i := (k + g*len(texts)/4) % len(texts)
				got := terms(fresh.AnalyzerNamed(TextAnalyzer).Analyze([]byte(texts[i])))
				if want := terms(ref.AnalyzerNamed(TextAnalyzer).Analyze([]byte(texts[i]))); !reflect.DeepEqual(got, want) {
					t.Errorf("in parallel, text %d: %q, Bleve's filters give %q", i, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	if arabic < 10 {
		t.Fatalf("only %d Arabic terms compared", arabic)
	}
}

func terms(ts analysis.TokenStream) []string {
	var out []string
	for _, t := range ts {
		out = append(out, string(t.Term))
	}
	return out
}

// BenchmarkAnalyze analyses every content file with each analyzer, as the
// build does (the stem cache warm after the first pass).
func BenchmarkAnalyze(b *testing.B) {
	m, err := Mapping()
	if err != nil {
		b.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "content", "*", "*.md"))
	var texts [][]byte
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, data)
		size += len(data)
	}
	for _, name := range []string{TextAnalyzer, WordsAnalyzer} {
		b.Run(name, func(b *testing.B) {
			a := m.AnalyzerNamed(name)
			b.SetBytes(int64(size))
			for range b.N {
				for _, t := range texts {
					a.Analyze(t)
				}
			}
		})
	}
}
