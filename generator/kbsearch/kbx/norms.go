package kbx

import (
	"context"
	"math"
	"sync"
)

// norms gives Bleve's norm (1/√length) of one field in any document,
// decoding the field's chunks of lengths as documents in them are asked for.
type norms struct {
	ix    *Index
	field string // the field whose lengths are stored

	mu     sync.Mutex
	chunks map[uint64][]float64
}

// normsOf returns the norms of field, shared by every reader of the index.
func (ix *Index) normsOf(field string) *norms {
	if f, ok := ix.man.NormsOf[field]; ok {
		field = f
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := ix.norms[field]
	if n == nil {
		n = &norms{ix: ix, field: field, chunks: map[uint64][]float64{}}
		ix.norms[field] = n
	}
	return n
}

// chunk returns the norms of documents [c·NormChunk, (c+1)·NormChunk).
func (n *norms) chunk(ctx context.Context, c uint64) ([]float64, error) {
	n.mu.Lock()
	ch, ok := n.chunks[c]
	n.mu.Unlock()
	if ok {
		return ch, nil
	}
	v, ok, err := n.ix.get(ctx, TableNorms, NormKey(n.field, c))
	if err != nil || !ok {
		if err == nil {
			err = errCorrupt
		}
		return nil, err
	}
	if len(v) == 0 {
		return nil, errCorrupt
	}
	norm := func(l uint64) float64 { return float64(float32(1.0 / math.Sqrt(float64(l)))) } // as scorch computes it
	r := reader{b: v[1:]}
	ch = make([]float64, 0, NormChunk)
	for len(r.b) > 0 && r.err == nil && len(ch) <= NormChunk {
		switch v[0] {
		case NormsPlain:
			ch = append(ch, norm(r.uvarint()))
		case NormsRuns:
			n, l := r.uvarint(), r.uvarint()
			if n > NormChunk {
				return nil, errCorrupt
			}
			x := norm(l)
			for ; n > 0; n-- {
				ch = append(ch, x)
			}
		default:
			return nil, errCorrupt
		}
	}
	if len(ch) > NormChunk {
		return nil, errCorrupt
	}
	if r.err != nil {
		return nil, r.err
	}
	n.mu.Lock()
	n.chunks[c] = ch
	n.mu.Unlock()
	return ch, nil
}

// normCursor reads norms for documents visited in increasing order.
type normCursor struct {
	n     *norms
	ctx   context.Context
	cur   []float64
	index uint64 // chunk number of cur, plus one (0: none yet)
}

func (c *normCursor) norm(doc uint64) (float64, error) {
	if k := doc/NormChunk + 1; k != c.index {
		ch, err := c.n.chunk(c.ctx, k-1)
		if err != nil {
			return 0, err
		}
		c.cur, c.index = ch, k
	}
	i := doc % NormChunk
	if i >= uint64(len(c.cur)) {
		return 0, errCorrupt
	}
	return c.cur[i], nil
}
