//go:build js && wasm

package main

import (
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/util"
)

// TestBleveBitsetWithStandIn runs the one piece of Bleve the client links
// that calls into roaring, util.Bitset with an exclusion set, over the
// stand-in bitmap.
func TestBleveBitsetWithStandIn(t *testing.T) {
	b := util.NewBitset(100, roaring.BitmapOf(3, 64, 99))
	for _, v := range []int{1, 3, 64, 70, 99} {
		b.Add(v)
	}
	var got []int
	b.Iterate(func(v int) { got = append(got, v) })
	if len(got) != 2 || got[0] != 1 || got[1] != 70 {
		t.Fatalf("after adding 1, 3, 64, 70, 99 with 3, 64, 99 excluded: %v", got)
	}
	b.Invert()
	if b.Contains(3) || b.Contains(64) || b.Contains(1) || !b.Contains(2) {
		t.Fatal("Invert must keep excluded values out")
	}
}
