// Package roaring stands in for github.com/RoaringBitmap/roaring/v2 in the
// browser build of the search client.
//
// Bleve's packages that the client links name roaring.Bitmap in interfaces
// and in util.Bitset (used by geo searches the client never runs). The real
// package's init builds a table of fuzzing actions that reaches every
// method of every container type, so linking it cost 680 KB of the engine's
// code even though the client calls none of it. This small, correct bitmap
// (a sorted set of uint32) offers the methods those packages call.
package roaring

import "sort"

// Bitmap is a set of uint32 values.
type Bitmap struct {
	values []uint32 // sorted, distinct
}

// New returns an empty bitmap.
func New() *Bitmap { return &Bitmap{} }

// BitmapOf returns a bitmap holding the given values.
func BitmapOf(values ...uint32) *Bitmap {
	b := New()
	for _, v := range values {
		b.Add(v)
	}
	return b
}

func (b *Bitmap) search(x uint32) int {
	return sort.Search(len(b.values), func(i int) bool { return b.values[i] >= x })
}

// Add inserts x.
func (b *Bitmap) Add(x uint32) {
	i := b.search(x)
	if i < len(b.values) && b.values[i] == x {
		return
	}
	b.values = append(b.values, 0)
	copy(b.values[i+1:], b.values[i:])
	b.values[i] = x
}

// Remove deletes x.
func (b *Bitmap) Remove(x uint32) {
	i := b.search(x)
	if i < len(b.values) && b.values[i] == x {
		b.values = append(b.values[:i], b.values[i+1:]...)
	}
}

// Contains reports whether x is in the bitmap.
func (b *Bitmap) Contains(x uint32) bool {
	if b == nil {
		return false
	}
	i := b.search(x)
	return i < len(b.values) && b.values[i] == x
}

// GetCardinality returns the number of values.
func (b *Bitmap) GetCardinality() uint64 {
	if b == nil {
		return 0
	}
	return uint64(len(b.values))
}

// IsEmpty reports whether the bitmap holds no value.
func (b *Bitmap) IsEmpty() bool { return b.GetCardinality() == 0 }

// ToArray returns the values in increasing order.
func (b *Bitmap) ToArray() []uint32 {
	if b == nil {
		return nil
	}
	return append([]uint32(nil), b.values...)
}

// IntIterable iterates over values in increasing order.
type IntIterable interface {
	HasNext() bool
	Next() uint32
}

// IntPeekable is an IntIterable that can look at the next value without
// consuming it and skip ahead.
type IntPeekable interface {
	IntIterable
	PeekNext() uint32
	AdvanceIfNeeded(minval uint32)
}

type iterator struct {
	values []uint32
	i      int
}

func (it *iterator) HasNext() bool    { return it.i < len(it.values) }
func (it *iterator) Next() uint32     { v := it.values[it.i]; it.i++; return v }
func (it *iterator) PeekNext() uint32 { return it.values[it.i] }
func (it *iterator) AdvanceIfNeeded(minval uint32) {
	for it.i < len(it.values) && it.values[it.i] < minval {
		it.i++
	}
}

// Iterator returns an iterator over the values in increasing order.
func (b *Bitmap) Iterator() IntPeekable {
	if b == nil {
		return &iterator{}
	}
	return &iterator{values: b.values}
}
