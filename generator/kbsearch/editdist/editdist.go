// Package editdist measures the Levenshtein distance between two strings in
// characters (runes), giving up as soon as it must exceed a bound. The
// search engine's fuzzy matching (kbx, also in the browser's WebAssembly
// client) and the link checker's "did you mean" suggestions share it.
package editdist

// Bounded returns the edit distance between a and b (insertions, deletions
// and substitutions of one rune each) when it may be within max. It returns
// max+1 without finishing when the lengths differ by more than max or a row
// of the computation already exceeds max, so a result above max only means
// "too far".
func Bounded(a, b []rune, max int) int {
	var buf Buffer
	return buf.Bounded(a, b, max)
}

// Buffer keeps the rows of the computation between calls of its Bounded,
// which otherwise allocates them each time (a fuzzy search measures every
// word of a dictionary). The zero Buffer is ready to use.
type Buffer struct{ prev, cur []int }

// Bounded is Bounded, computing in b's rows.
func (buf *Buffer) Bounded(a, b []rune, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	if cap(buf.prev) < len(b)+1 {
		buf.prev, buf.cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	prev, cur := buf.prev[:len(b)+1], buf.cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
