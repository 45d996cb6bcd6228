package engine

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/search"

	"vepkb/generator/kbsearch/schema"
)

func contentTexts(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "content", "*", "*.md"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "..", "content", "*.md"))
	var texts []string
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	if len(texts) < 50 {
		t.Fatalf("only %d content files", len(texts))
	}
	return append(texts,
		"possibilities abilities sensibilities happy agreed relational conditional generalization hopefulness "+
			"controlling filing sizing hoping sky skies dying lying tying feed ffeed PRISONERS’ prisoner's "+
			"Rehabilitation Rehabilitaton deradicalisation radicalization organise organisation P/CVE VERA-2R",
		"", "the of and")
}

// TestStemKeepsPrefix checks the rule bodyLocator relies on: every word
// of the knowledge base, lower-cased, starts with all but the last two
// bytes of the term the text analyzer makes of it. Words with other than
// ASCII bytes are always analysed (mayBecome lets them through), so the
// rule need not hold for them (the Arabic stemmer removes the article).
func TestStemKeepsPrefix(t *testing.T) {
	m, err := schema.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	a := m.AnalyzerNamed(schema.TextAnalyzer)
	words := 0
	for _, text := range contentTexts(t) {
		for _, tok := range m.AnalyzerNamed(schema.WordsAnalyzer).Analyze([]byte(text)) {
			word := string(tok.Term) // lower-cased, possessive removed, not stemmed
			if !isASCII(word) {
				continue
			}
			out := a.Analyze([]byte(word))
			if len(out) != 1 {
				continue
			}
			term := string(out[0].Term)
			words++
			if p := term[:max(0, len(term)-2)]; !strings.HasPrefix(word, p) {
				t.Errorf("%q becomes %q: %q is not a prefix", word, term, p)
			}
		}
	}
	if words < 10000 {
		t.Fatalf("only %d words checked", words)
	}
}

// TestBodyLocationsMatchFullAnalysis checks over every content file that
// bodyLocator finds exactly what analysing the whole text finds, and
// leaves the text untouched.
func TestBodyLocationsMatchFullAnalysis(t *testing.T) {
	m, err := schema.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	texts := contentTexts(t)
	found, spanned := 0, 0
	for _, q := range []string{"families", "rehabilitation programmes", "risk assessment tools", "P/CVE VERA-2R ERG22+",
		"prison prisoner prisons", "the", "dynamic security staff training", "possibility hope", "radicalisation radicalization", "is a"} {
		marks := &markSet{terms: map[string]bool{}}
		for _, term := range schema.Analyze(m, schema.TextAnalyzer, q) {
			marks.terms[term] = true
		}
		switch {
		case strings.HasPrefix(q, "families"):
			// Typos and prefixes, as the words field holds them.
			marks.fuzzy = []fuzzyWord{{[]rune("rehabilitaton"), 1}, {[]rune("vetting"), 0}}
			marks.prefix = []string{"secu"}
		case strings.HasPrefix(q, "rehabilitation"):
			// A typo whose matched words the searcher recorded.
			marks.fuzzy = []fuzzyWord{{[]rune("rehabilitation"), 0}, {[]rune("vetted"), 0}}
		}
		if _, _, ok := spanAnalyzers(m, marks); !ok {
			t.Fatalf("query %q: the knowledge base's analyzers are located by full analysis, not piece by piece", q)
		}
		locate := bodyLocator(m, marks)
		for i, text := range texts {
			in := []byte(text)
			got := locate(in)
			if want := fullLocations(m, []byte(text), marks); !reflect.DeepEqual(withoutPos(got), withoutPos(want)) {
				t.Fatalf("query %q, text %d: bodyLocator and full analysis differ", q, i)
			}
			if spans, _ := markSpans(in, spanPatterns(prefixesOf(marks), marks), nil); len(spans) > 0 && spans[0] != [2]int{0, len(in)} {
				spanned++
			}
			if string(in) != text {
				t.Fatalf("query %q, text %d: the text was changed", q, i)
			}
			for _, locs := range got[schema.Body] {
				found += len(locs)
			}
		}
	}
	if found < 100 {
		t.Fatalf("only %d locations found in the content", found)
	}
	if spanned < 200 {
		t.Fatalf("only %d texts analysed in spans rather than whole", spanned)
	}
}

// withoutPos returns the locations with their token positions cleared:
// analysing a span of the text numbers its tokens from the span, and the
// highlighter reads only where a location starts and ends.
func withoutPos(f search.FieldTermLocationMap) search.FieldTermLocationMap {
	out := search.FieldTermLocationMap{}
	for field, tlm := range f {
		out[field] = search.TermLocationMap{}
		for term, locs := range tlm {
			for _, l := range locs {
				c := *l
				c.Pos = 0
				out[field][term] = append(out[field][term], &c)
			}
		}
	}
	return out
}

func prefixesOf(ms *markSet) [][]byte {
	var p [][]byte
	for t := range ms.terms {
		p = append(p, []byte(t[:max(0, len(t)-2)]))
	}
	return p
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
