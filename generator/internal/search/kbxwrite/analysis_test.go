package kbxwrite

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"vepkb/generator/kbsearch/schema"
)

// TestAnalyzeShared checks that text analysed once for two fields gives,
// token for token (term, offsets, position, type) and as token frequencies
// with their locations, what each field's analyzer gives on its own, over
// every content file and mixed samples, and that the text is left alone.
func TestAnalyzeShared(t *testing.T) {
	m, err := schema.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"", "the", "Prisoners' CSOs: P/CVE, R&R, VERA-2R and ERG22+ programmes",
		"الإدماج وإعادة الإدماج، التأهيل", "réinsertion, дерадикализация ресоциализацией, ÉCOLE"}
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "..", "content", "*", "*.md"))
	if len(files) < 50 {
		t.Fatalf("only %d content files", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	ta := m.AnalyzerNamed(schema.TextAnalyzer).(*analysis.DefaultAnalyzer)
	wa := m.AnalyzerNamed(schema.WordsAnalyzer).(*analysis.DefaultAnalyzer)
	if !extends(ta, wa) || extends(wa, ta) || extends(ta, ta) {
		t.Fatal("the stemmed analyzer no longer extends the words analyzer: its text is tokenised twice")
	}
	for i, text := range texts {
		input := []byte(text)
		lt, st := analyzePrefixed(ta, wa, input)
		if string(input) != text {
			t.Fatalf("text %d: the analysis changed its input", i)
		}
		if g, w := tokens(lt), tokens(ta.Analyze([]byte(text))); !reflect.DeepEqual(g, w) {
			t.Fatalf("text %d, %s: %v, the analyzer gives %v", i, schema.TextAnalyzer, g, w)
		}
		if g, w := tokens(st), tokens(wa.Analyze([]byte(text))); !reflect.DeepEqual(g, w) {
			t.Fatalf("text %d, %s: %v, the analyzer gives %v", i, schema.WordsAnalyzer, g, w)
		}
	}
	// A whole document: each field as Bleve analyses it.
	sec := schema.Section{Title: "Prison", Heading: "Prison", Body: texts[len(texts)-1], Guide: "G", Tags: []string{"a", "b"}, URL: "/p/", Crumb: "G › P"}
	mine, theirs := document.NewDocument("1"), document.NewDocument("1")
	for _, d := range []*document.Document{mine, theirs} {
		if err := m.MapDocument(d, sec); err != nil {
			t.Fatal(err)
		}
	}
	shared := analyseShared(m, mine)
	if len(shared) != 6 {
		t.Fatalf("%d fields analysed together, want 6 (title, heading, body, each with its words)", len(shared))
	}
	for k, f := range theirs.Fields {
		if !f.Options().IsIndexed() {
			continue
		}
		f.Analyze()
		got, ok := shared[k]
		if !ok {
			continue
		}
		if got.length != f.AnalyzedLength() || !reflect.DeepEqual(freqs(got.freqs), freqs(f.AnalyzedTokenFrequencies())) {
			t.Fatalf("field %d (%s): length %d and frequencies unlike Bleve's (%d)", k, f.Name(), got.length, f.AnalyzedLength())
		}
	}
}

type tok struct {
	Term            string
	Start, End, Pos int
	Type            analysis.TokenType
	KeyWord         bool
}

func tokens(ts analysis.TokenStream) []tok {
	out := []tok{}
	for _, t := range ts {
		out = append(out, tok{string(t.Term), t.Start, t.End, t.Position, t.Type, t.KeyWord})
	}
	return out
}

// freqs is token frequencies as comparable values.
func freqs(tf index.TokenFrequencies) map[string]freq {
	out := map[string]freq{}
	for term, f := range tf {
		v := freq{N: f.Frequency(), Locs: []index.TokenLocation{}}
		for _, l := range f.Locations {
			v.Locs = append(v.Locs, *l)
		}
		out[term] = v
	}
	return out
}

type freq struct {
	N    int
	Locs []index.TokenLocation
}
