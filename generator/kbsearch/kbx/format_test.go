package kbx

import (
	"bytes"
	"fmt"
	"testing"
)

func TestPageRoundTrip(t *testing.T) {
	var keys, values [][]byte
	for i := 0; i < 300; i++ {
		keys = append(keys, []byte(fmt.Sprintf("body\x00term%04d", i)))
		values = append(values, bytes.Repeat([]byte{byte(i)}, i%7))
	}
	k2, v2, err := decodePage(EncodePage(keys, values))
	if err != nil {
		t.Fatal(err)
	}
	for i := range keys {
		if !bytes.Equal(keys[i], k2[i]) || !bytes.Equal(values[i], v2[i]) {
			t.Fatalf("entry %d differs", i)
		}
	}
}

func TestLevenshteinCountsCharacters(t *testing.T) {
	l := &levenshtein{term: []rune("désengagement"), max: 1}
	for s, want := range map[string]bool{"disengagement": true, "désengagement": true, "dsengagemen": false, "déengagement": true} {
		if ok, _ := l.MatchAndDistance(s); ok != want {
			t.Errorf("%s: %v", s, ok)
		}
	}
}

func FuzzDecodePage(f *testing.F) {
	f.Add(EncodePage([][]byte{[]byte("a"), []byte("ab")}, [][]byte{[]byte("1"), nil}))
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, values, err := decodePage(data)
		if err == nil && len(keys) != len(values) {
			t.Fatal("keys and values differ in number")
		}
	})
}

func TestExternalID(t *testing.T) {
	for _, n := range []uint64{0, 7, 42, 99999, 123456, 999999, 1000000, 1 << 40} {
		for _, digits := range []int{0, 1, 6, 8} {
			if got, want := ExternalID(n, digits), fmt.Sprintf("%0*d", digits, n); got != want {
				t.Errorf("ExternalID(%d, %d) = %q, want %q", n, digits, got, want)
			}
		}
	}
}
