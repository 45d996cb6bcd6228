package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	bleveunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// sameAsSegmenter reports the first difference between splitWords and
// Bleve's Unicode tokenizer on input.
func sameAsSegmenter(t testing.TB, input []byte) {
	t.Helper()
	want := bleveunicode.NewUnicodeTokenizer().Tokenize(append([]byte(nil), input...))
	got := splitWords(input)
	for i := 0; i < len(got) || i < len(want); i++ {
		if i >= len(got) || i >= len(want) {
			t.Fatalf("%q: %d words, Bleve's Unicode tokenizer %d (%s / %s)", input, len(got), len(want), words(got), words(want))
		}
		g, w := got[i], want[i]
		if string(g.Term) != string(w.Term) || g.Start != w.Start || g.End != w.End || g.Position != w.Position || g.Type != w.Type {
			t.Fatalf("%q: word %d is %q [%d:%d] pos %d type %d, Bleve's Unicode tokenizer %q [%d:%d] pos %d type %d",
				input, i, g.Term, g.Start, g.End, g.Position, g.Type, w.Term, w.Start, w.End, w.Position, w.Type)
		}
	}
}

func words(ts analysis.TokenStream) string {
	var s []string
	for _, t := range ts {
		s = append(s, string(t.Term))
	}
	return strings.Join(s, "|")
}

var wordCases = []string{
	"", " ", "abc", "123", "a1", "1a", "4Ps", "1,000", "1,a", "a,1", "a.b", "a.b.", "e.g.", "3.14", "a:b", "1:2",
	"a'b", "1'2", "a;b", "1;2", "_", "__", "a_", "_a", "_1", "1_", "a__b", "a_.b", "a._b", "a.1", "1.a", "a..b",
	"a'", "'a", "x--y", "a-b", "a/b", "R&R", "P/CVE", "VERA-2R", "ERG22+", "a\tb", "a\r\nb", "ab.cd.ef", "1.2.3",
	"1,,2", ":a", "a::b", "a.:b", "U.S.A.", "don't", "'", "a'b'c", "1e5", "a1.2", "a1,2", "1.2a", "a.b1", "0x1F",
	"$5", "@ab", "#1", "a\x00b", "a\x7fb", "a\vb", "a\fb", "a\x85b", "\xff", "a\xffb c",
	"prisoners’ families", "“dynamic security”", "CSO–prison", "café au lait", "Дерадикализация и réinsertion",
	"إعادة الإدماج", "日本語のテキスト", "emoji 🙂 here", "a \u0301b", "a\u0301b", "x \u200db", "naïve co-operation",
	"word\u00a0word", "end.\u2019 Next", "it's 2,500 km—far", "  leading and trailing  ", "a\u2028b",
}

func TestSplitWordsMatchesSegmenter(t *testing.T) {
	for _, c := range wordCases {
		sameAsSegmenter(t, []byte(c))
	}
}

// TestSplitWordsOnContent compares the two on every guide of the bundled
// knowledge base (typographic quotes and dashes, accents, other scripts).
func TestSplitWordsOnContent(t *testing.T) {
	root := filepath.Join("..", "..", "..", "content")
	n := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sameAsSegmenter(t, data)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d content files compared", n)
	}
}

func FuzzSplitWords(f *testing.F) {
	for _, c := range wordCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		if utf8.Valid(input) {
			sameAsSegmenter(t, input)
			return
		}
		// On invalid UTF-8 the segmenter sometimes stops early and drops
		// the rest of the text (" \xbd 0" gives no word); splitWords keeps
		// the ASCII words. Content and queries are UTF-8; here the words
		// need only be well formed.
		prev := 0
		for i, tok := range splitWords(input) {
			if tok.Start < prev || tok.End <= tok.Start || tok.End > len(input) ||
				string(tok.Term) != string(input[tok.Start:tok.End]) || tok.Position != i+1 {
				t.Fatalf("%q: malformed word %d: %+v", input, i, tok)
			}
			prev = tok.End
		}
	})
}
