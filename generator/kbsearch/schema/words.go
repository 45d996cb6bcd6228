package schema

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/segment"
)

// splitWords returns the words of input exactly as Bleve's Unicode
// tokenizer gives them (Unicode word segmentation, UAX #29, keeping the
// segments that hold letters, digits or ideographs), but splits runs of
// ASCII text itself, which is several times faster than the general
// segmenter; runs holding other characters still go through the segmenter.
//
// Text is cut at ASCII white space, where word segmentation always breaks:
// nothing joins a character to a following space, tab or line break, and
// after one only combining marks and format characters join it, which can
// only be non-ASCII. A run of pieces holding non-ASCII bytes is segmented
// together with the white-space byte before it, so those characters see
// the same neighbours as in the whole text. FuzzSplitWords checks the
// result against the segmenter byte for byte.
func splitWords(input []byte) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input)/6+1)
	slab := make([]analysis.Token, len(input)/6+1)
	add := func(start, end int, typ analysis.TokenType) {
		if len(slab) == 0 {
			slab = make([]analysis.Token, 256)
		}
		tok := &slab[0]
		slab = slab[1:]
		*tok = analysis.Token{Term: input[start:end], Start: start, End: end, Position: len(out) + 1, Type: typ}
		out = append(out, tok)
	}
	n := len(input)
	for i := 0; i < n; {
		if isSpace(input[i]) {
			i++
			continue
		}
		// A piece: up to the next white space.
		end := i
		ascii := true
		for end < n && !isSpace(input[end]) {
			if input[end] >= 0x80 {
				ascii = false
			}
			end++
		}
		if ascii {
			asciiWords(input, i, end, add)
			i = end
			continue
		}
		// Pieces with other characters, and the ones after them up to an
		// ASCII-only piece, go to the segmenter with the space before them.
		from := i
		if from > 0 {
			from--
		}
		for end < n {
			j := end
			for j < n && isSpace(input[j]) {
				j++
			}
			k, plain := j, true
			for k < n && !isSpace(input[k]) {
				if input[k] >= 0x80 {
					plain = false
				}
				k++
			}
			if plain || j == n {
				break
			}
			end = k
		}
		segmentWords(input, from, end, add)
		i = end
	}
	return out
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// asciiWords splits input[start:end], ASCII without white space, by the
// word-segmentation rules as they apply to ASCII: letters, digits and "_"
// join; ".", ":" and "'" join two letters; ".", ",", ";" and "'" join two
// digits. A word with digits and no letter is a number.
func asciiWords(input []byte, start, end int, add func(int, int, analysis.TokenType)) {
	for i := start; i < end; {
		c := input[i]
		if !isLetter(c) && !isDigit(c) && c != '_' {
			i++
			continue
		}
		j := i
		letters, digits := false, false
		for j < end {
			c := input[j]
			switch {
			case isLetter(c):
				letters = true
			case isDigit(c):
				digits = true
			case c == '_':
			case j+1 < end && j > i && joinsLetters(c) && isLetter(input[j-1]) && isLetter(input[j+1]):
			case j+1 < end && j > i && joinsDigits(c) && isDigit(input[j-1]) && isDigit(input[j+1]):
			default:
				goto done
			}
			j++
		}
	done:
		typ := analysis.AlphaNumeric
		if digits && !letters {
			typ = analysis.Numeric
		}
		add(i, j, typ)
		i = j
	}
}

func joinsLetters(c byte) bool { return c == '.' || c == ':' || c == '\'' }
func joinsDigits(c byte) bool  { return c == '.' || c == ',' || c == ';' || c == '\'' }

// segmentWords splits input[start:end] with the Unicode segmenter, as
// Bleve's Unicode tokenizer does.
func segmentWords(input []byte, start, end int, add func(int, int, analysis.TokenType)) {
	seg := segment.NewWordSegmenterDirect(input[start:end])
	at := start
	for seg.Segment() {
		next := at + len(seg.Bytes())
		switch seg.Type() {
		case segment.None:
		case segment.Ideo, segment.Kana:
			add(at, next, analysis.Ideographic)
		case segment.Number:
			add(at, next, analysis.Numeric)
		default:
			add(at, next, analysis.AlphaNumeric)
		}
		at = next
	}
}
