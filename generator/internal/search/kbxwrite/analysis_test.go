package kbxwrite

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"vepkb/generator/kbsearch/schema"
)

// TestAnalyzeShared checks that text analysed once for two fields gives,
// token for token (term, offsets, position, type), what each field's
// analyzer gives on its own, over every content file and mixed samples,
// and that the text is left alone; and that a document's fields, their
// frequencies, locations and facet values are Bleve's (fields of one name
// merged as Bleve merges them), for sections and for arrays of texts.
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
	// Whole documents: each field as Bleve analyses and merges it.
	body := texts[len(texts)-1]
	for _, sec := range []schema.Section{
		{Title: "Prison", Heading: "Prison", Body: body, Guide: "G", Tags: []string{"a", "b", "a"}, URL: "/p/", Crumb: "G › P"},
		{Title: "Families and children", Heading: "Visits", Body: texts[3] + " " + texts[2], Audiences: []string{"CSO"}},
		{},
	} {
		compareWithBleve(t, m, sec)
	}
	arrays := mapping.NewIndexMapping()
	dm := mapping.NewDocumentStaticMapping()
	for _, name := range []string{"notes", "text"} {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = "standard"
		f.IncludeTermVectors = name == "notes"
		dm.AddFieldMappingsAt(name, f)
	}
	n := mapping.NewNumericFieldMapping() // not text: Bleve analyses it
	n.DocValues = true
	dm.AddFieldMappingsAt("n", n)
	arrays.DefaultMapping = dm
	compareWithBleve(t, arrays, map[string]any{"notes": []string{"one two one", "two three", body}, "text": []string{"x y", "y z"},
		"n": []float64{3.5, 7, 3.5}})
}

// compareWithBleve checks analyze's fields of v (length, terms, frequencies
// and locations) against Bleve's Analyze of each field and MergeAll of
// fields that share a name, and its facet values against their terms.
func compareWithBleve(t *testing.T, m *mapping.IndexMappingImpl, v any) {
	t.Helper()
	got, err := analyze(m, "1", v)
	if err != nil {
		t.Fatal(err)
	}
	doc := document.NewDocument("1")
	if err := m.MapDocument(doc, v); err != nil {
		t.Fatal(err)
	}
	want := map[string]*fieldData{}
	var names []string
	var facets [][2]string
	lengths := map[string]int{}
	bleve := map[string]index.TokenFrequencies{}
	for _, f := range doc.Fields {
		if !f.Options().IsIndexed() {
			continue
		}
		f.Analyze()
		if f.Options().IncludeDocValues() {
			for term := range f.AnalyzedTokenFrequencies() {
				facets = append(facets, [2]string{f.Name(), term})
			}
		}
		lengths[f.Name()] += f.AnalyzedLength()
		if tf, ok := bleve[f.Name()]; ok {
			tf.MergeAll(f.Name(), f.AnalyzedTokenFrequencies())
			continue
		}
		names = append(names, f.Name())
		bleve[f.Name()] = f.AnalyzedTokenFrequencies()
		want[f.Name()] = &fieldData{name: f.Name(), vectors: f.Options().IncludeTermVectors()}
	}
	if len(got.fields) != len(names) { // a map's fields come in any order
		t.Fatalf("%d fields, Bleve has %d", len(got.fields), len(names))
	}
	for _, fd := range got.fields {
		if w := want[fd.name]; w == nil || fd.length != lengths[fd.name] || fd.vectors != w.vectors {
			t.Fatalf("field %s: length %d, vectors %v; Bleve: %v, length %d", fd.name, fd.length, fd.vectors, w, lengths[fd.name])
		}
		if g, w := mine(fd.freqs), freqs(bleve[fd.name]); !reflect.DeepEqual(g, w) {
			t.Fatalf("field %s: frequencies unlike Bleve's:\n%v\n%v", fd.name, g, w)
		}
	}
	sortFacets := func(f [][2]string) {
		sort.Slice(f, func(i, j int) bool { return f[i][0] < f[j][0] || f[i][0] == f[j][0] && f[i][1] < f[j][1] })
	}
	sortFacets(facets)
	if len(got.facets) != len(facets) || len(facets) > 0 && !reflect.DeepEqual(got.facets, facets) {
		t.Fatalf("facet values %v, Bleve's terms %v", got.facets, facets)
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

// mine is termFreqs as comparable values.
func mine(tfs []termFreq) map[string]freq {
	out := map[string]freq{}
	for _, f := range tfs {
		v := freq{N: f.freq, Locs: []index.TokenLocation{}}
		for _, l := range f.locs {
			l.Field = ""
			v.Locs = append(v.Locs, l)
		}
		out[string(f.term)] = v
	}
	return out
}

// freqs is token frequencies as comparable values.
func freqs(tf index.TokenFrequencies) map[string]freq {
	out := map[string]freq{}
	for term, f := range tf {
		v := freq{N: f.Frequency(), Locs: []index.TokenLocation{}}
		for _, l := range f.Locations {
			c := *l
			c.Field = "" // MergeAll names the field; the index does not keep it
			v.Locs = append(v.Locs, c)
		}
		out[term] = v
	}
	return out
}

type freq struct {
	N    int
	Locs []index.TokenLocation
}
