package editdist

import "testing"

// full is the plain Levenshtein distance, for reference.
func full(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func TestBounded(t *testing.T) {
	words := []string{"", "a", "risk", "rsk", "risks", "aftercare", "aftercar", "désengagement", "disengagement",
		"дерадикализация", "дерадикализаци", "kitten", "sitting", "gp-3-2", "gp-3-3", "abcdef", "fedcba"}
	for _, a := range words {
		for _, b := range words {
			want := full([]rune(a), []rune(b))
			for max := 0; max <= 4; max++ {
				got := Bounded([]rune(a), []rune(b), max)
				if want <= max && got != want || want > max && got <= max {
					t.Errorf("Bounded(%q, %q, %d) = %d, distance %d", a, b, max, got, want)
				}
			}
		}
	}
	// Counted in characters: one accented letter is one edit.
	if d := Bounded([]rune("désengagement"), []rune("disengagement"), 1); d != 1 {
		t.Errorf("désengagement/disengagement: %d", d)
	}
}
