package roaring

import (
	"math/rand"
	"slices"
	"testing"
)

// TestBitmapMatchesModel applies random additions and removals to a bitmap
// and to a map, and checks membership, cardinality and iteration order.
func TestBitmapMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	b := New()
	model := map[uint32]bool{}
	for i := 0; i < 5000; i++ {
		x := uint32(rng.Intn(300))
		if rng.Intn(3) == 0 {
			b.Remove(x)
			delete(model, x)
		} else {
			b.Add(x)
			model[x] = true
		}
	}
	var want []uint32
	for x := uint32(0); x < 300; x++ {
		if b.Contains(x) != model[x] {
			t.Fatalf("Contains(%d) = %v, want %v", x, b.Contains(x), model[x])
		}
		if model[x] {
			want = append(want, x)
		}
	}
	if b.GetCardinality() != uint64(len(want)) || b.IsEmpty() != (len(want) == 0) {
		t.Fatalf("cardinality %d, want %d", b.GetCardinality(), len(want))
	}
	if !slices.Equal(b.ToArray(), want) {
		t.Fatalf("ToArray = %v, want %v", b.ToArray(), want)
	}
	var got []uint32
	for it := b.Iterator(); it.HasNext(); {
		got = append(got, it.Next())
	}
	if !slices.Equal(got, want) {
		t.Fatalf("iteration = %v, want %v", got, want)
	}
	it := b.Iterator()
	it.AdvanceIfNeeded(150)
	if it.HasNext() && it.PeekNext() < 150 {
		t.Fatalf("AdvanceIfNeeded(150) stopped at %d", it.PeekNext())
	}
}

func TestNilAndEmpty(t *testing.T) {
	var b *Bitmap
	if b.Contains(1) || b.GetCardinality() != 0 || b.Iterator().HasNext() || b.ToArray() != nil {
		t.Fatal("a nil bitmap must behave as an empty one")
	}
	if got := BitmapOf(7, 3, 7).ToArray(); !slices.Equal(got, []uint32{3, 7}) {
		t.Fatalf("BitmapOf(7, 3, 7) = %v", got)
	}
}
