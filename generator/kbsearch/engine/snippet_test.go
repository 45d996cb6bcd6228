package engine

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search"
	htmlformat "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	simplefragmenter "github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simplehighlighter "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"

	"vepkb/generator/kbsearch/schema"
)

func TestSnippetCases(t *testing.T) {
	loc := func(s, e uint64) *search.Location { return &search.Location{Start: s, End: e} }
	long := strings.Repeat("filler words here ", 20) // 360 bytes
	tests := []struct {
		name, body string
		tlm        search.TermLocationMap
		want       string
	}{
		{"no match", "some text", nil, ""},
		{"short text, escaped", "a <b> & c", search.TermLocationMap{"b": {loc(3, 4)}}, "a &lt;<mark>b</mark>&gt; &amp; c"},
		{"at the start", "family visits " + long, search.TermLocationMap{"famili": {loc(0, 6)}},
			"<mark>family</mark> visits " + html.EscapeString(long[:160-len("family visits ")]) + "…"},
		{"in the middle", long + "family" + long, search.TermLocationMap{"famili": {loc(uint64(len(long)), uint64(len(long)+6))}},
			"…" + long[len(long)-77:] + "<mark>family</mark>" + long[:77] + "…"},
		{"at the end", long + "family", search.TermLocationMap{"famili": {loc(uint64(len(long)), uint64(len(long)+6))}},
			"…" + long[len(long)-154:] + "<mark>family</mark>"},
	}
	for _, tt := range tests {
		if got := snippet([]byte(tt.body), tt.tlm); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// TestSnippetBestWindow checks over every content file, for several
// queries, that the snippet is a piece of the text of at most
// SnippetLength characters, marks every match within it, and holds as many
// distinct terms as the fragment Bleve's simple highlighter chooses.
func TestSnippetBestWindow(t *testing.T) {
	m, err := schema.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	hl := simplehighlighter.NewHighlighter(simplefragmenter.NewFragmenter(SnippetLength), htmlformat.NewFragmentFormatter("<mark>", "</mark>"), "…")
	checked, better := 0, 0
	for _, q := range []string{"families", "rehabilitation programmes", "risk assessment tools", "prison prisoner staff", "dynamic security staff training", "religious counselling imams", "information sharing confidentiality"} {
		marks := &markSet{terms: map[string]bool{}}
		for _, term := range schema.Analyze(m, schema.TextAnalyzer, q) {
			marks.terms[term] = true
		}
		for i, text := range contentTexts(t) {
			body := []byte(text)
			tlm := fullLocations(m, body, marks)[schema.Body]
			got := snippet(body, tlm)
			if len(tlm) == 0 {
				if got != "" {
					t.Fatalf("%q, text %d: a snippet without matches", q, i)
				}
				continue
			}
			plain := strings.TrimSuffix(strings.TrimPrefix(html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got)), "…"), "…")
			at := strings.Index(text, plain)
			if at < 0 || utf8.RuneCountInString(plain) > SnippetLength {
				t.Fatalf("%q, text %d: %q is not a piece of the text of at most %d characters", q, i, got, SnippetLength)
			}
			inside, distinct := 0, map[string]bool{}
			for term, locs := range tlm {
				for _, l := range locs {
					if int(l.Start) >= at && int(l.End) <= at+len(plain) {
						inside++
						distinct[term] = true
					}
				}
			}
			if n := strings.Count(got, "<mark>"); n != inside {
				t.Fatalf("%q, text %d: %d marks for %d matches in %q", q, i, n, inside, got)
			}
			doc := document.NewDocument("x")
			doc.AddField(document.NewTextField(schema.Body, nil, body))
			dm := &search.DocumentMatch{Locations: search.FieldTermLocationMap{schema.Body: tlm}}
			theirs := 0
			if frags := hl.BestFragmentsInField(dm, doc, schema.Body, 1); len(frags) > 0 {
				for term := range tlm {
					if markedTerm(frags[0], text, tlm, term) {
						theirs++
					}
				}
			}
			if len(distinct) < theirs {
				t.Fatalf("%q, text %d: %d distinct terms in %q, Bleve's highlighter has %d", q, i, len(distinct), got, theirs)
			}
			if len(distinct) > theirs {
				better++
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d snippets checked", checked)
	}
	t.Logf("%d snippets checked; %d hold more distinct terms than Bleve's highlighter's", checked, better)
}

// markedTerm reports whether a fragment of Bleve's highlighter marks one of
// term's locations: the fragment's text around a mark is found in the text.
func markedTerm(frag, text string, tlm search.TermLocationMap, term string) bool {
	plain := strings.TrimSuffix(strings.TrimPrefix(html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(frag)), "…"), "…")
	at := strings.Index(text, plain)
	if at < 0 {
		return false
	}
	for _, l := range tlm[term] {
		if int(l.Start) >= at && int(l.End) <= at+len(plain) {
			return true
		}
	}
	return false
}
