// Package presetdict builds a preset dictionary for DEFLATE (RFC 1951, as
// zlib's preset dictionaries and Go's flate.NewWriterDict use one) from
// samples of the data to be compressed: the pieces of text that recur
// across many samples, so that a small file compressed alone can refer to
// them instead of spelling them out.
//
// The method is a greedy cover: the samples are cut into segments of 256
// bytes, each segment is worth the number of other samples that share its
// 8-byte substrings (each substring counted once, and only until a chosen
// segment holds it), and the best segments are taken until the dictionary
// is full, the best last, where back-references are shortest. Measured on
// the bundled site's stored fields (BenchmarkPresetDictionary in package
// search): segments overlapping by half made the table 0.609 of its size
// in 43 ms, apart 0.607 in 20 ms.
package presetdict

import (
	"container/heap"
	"encoding/binary"
)

const (
	kmer     = 8         // length of the substrings counted
	segment  = 256       // length of a candidate piece of the dictionary
	maxInput = 512 << 10 // larger inputs are sampled, evenly
	// tolerance: a segment rescored within 1/tolerance of the best is taken.
	tolerance = 4
)

// Train returns a dictionary of at most size bytes for data like samples,
// or nil when the samples are too small to have anything in common. The
// result depends only on samples and size.
func Train(samples [][]byte, size int) []byte {
	samples = sampled(samples)
	// Per bucket of substrings: in how many samples they occur (0 once a
	// chosen segment holds them), and the last sample, then the last
	// scoring, that counted them. One array: a lookup is one cache miss.
	total := 0
	for _, s := range samples {
		total += len(s)
	}
	bits := 16
	for bits < 18 && 1<<bits < total {
		bits++
	}
	shift := uint(64 - bits)
	hash := func(b []byte) uint32 {
		return uint32((binary.LittleEndian.Uint64(b) * 0x9E3779B97F4A7C15) >> shift)
	}
	table := make([]bucket, 1<<bits)
	for si, s := range samples {
		for j := 0; j+kmer <= len(s); j++ {
			b := &table[hash(s[j:])]
			if b.seen != uint32(si)+1 {
				b.seen = uint32(si) + 1
				b.df++
			}
		}
	}
	var segs [][]byte
	same := map[uint64]bool{} // segments already listed, by hash: a copy is worth nothing once one is chosen
	for _, s := range samples {
		for j := 0; j < len(s); j += segment {
			end := min(j+segment, len(s))
			if end-j >= kmer {
				if sum := fnv64(s[j:end]); !same[sum] {
					same[sum] = true
					segs = append(segs, s[j:end])
				}
			}
		}
	}
	// A segment's worth: the df of its distinct substrings, less one (the
	// segment's own sample), over those no chosen segment holds yet.
	stamp := uint32(len(samples)) // seen holds sample numbers up to here
	distinct := func(s []byte, f func(h uint32)) {
		stamp++
		for j := 0; j+kmer <= len(s); j++ {
			if h := hash(s[j:]); table[h].seen != stamp {
				table[h].seen = stamp
				f(h)
			}
		}
	}
	// Each segment's buckets are listed once (those in other samples);
	// rescoring reads the list.
	q := make(candidates, len(segs))
	flat := make([]uint32, 0, total)
	ends := make([]int, len(segs)) // segment i's buckets are flat[ends[i-1]:ends[i]]
	for i, s := range segs {
		q[i].seg = i
		distinct(s, func(h uint32) {
			if df := table[h].df; df > 1 {
				flat = append(flat, h)
				q[i].score += int(df) - 1
			}
		})
		ends[i] = len(flat)
	}
	heap.Init(&q)
	score := func(seg int) int {
		start, sum := 0, 0
		if seg > 0 {
			start = ends[seg-1]
		}
		for _, h := range flat[start:ends[seg]] {
			sum += max(int(table[h].df)-1, 0)
		}
		return sum
	}
	var chosen [][]byte
	used := 0
	for q.Len() > 0 && used < size {
		c := q[0]
		// A segment is only worth less once others are chosen: rescore the
		// best, and take it if it is still worth nearly as much as the next
		// one was (exactly would rescore most segments after each choice,
		// as the commonest substrings are in nearly all of them).
		if s := score(c.seg); s != c.score {
			next := 0
			for _, i := range []int{1, 2} {
				if i < q.Len() {
					next = max(next, q[i].score)
				}
			}
			q[0].score = s
			if s < next-next/tolerance {
				heap.Fix(&q, 0)
				continue
			}
			c.score = s
		}
		heap.Pop(&q)
		if c.score < len(segs[c.seg]) {
			break // its substrings are not in one other sample on average: chance (or hash collisions)
		}
		s := segs[c.seg]
		if used+len(s) > size {
			s = s[len(s)-(size-used):]
		}
		for j := 0; j+kmer <= len(s); j++ {
			table[hash(s[j:])].df = 0
		}
		chosen = append(chosen, s)
		used += len(s)
	}
	if used == 0 {
		return nil
	}
	dict := make([]byte, 0, used)
	for i := len(chosen) - 1; i >= 0; i-- {
		dict = append(dict, chosen[i]...)
	}
	return dict
}

// sampled keeps every k-th sample of an input larger than maxInput.
func sampled(samples [][]byte) [][]byte {
	total := 0
	for _, s := range samples {
		total += len(s)
	}
	if total <= maxInput {
		return samples
	}
	k := (total + maxInput - 1) / maxInput
	var out [][]byte
	for i := 0; i < len(samples); i += k {
		out = append(out, samples[i])
	}
	return out
}

// fnv64 is the 64-bit FNV-1a hash of b.
func fnv64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// bucket counts the substrings of one hash.
type bucket struct{ df, seen uint32 }

type candidate struct{ score, seg int }

// candidates is a max-heap by score, ties to the earlier segment.
type candidates []candidate

func (c candidates) Len() int { return len(c) }
func (c candidates) Less(i, j int) bool {
	if c[i].score != c[j].score {
		return c[i].score > c[j].score
	}
	return c[i].seg < c[j].seg
}
func (c candidates) Swap(i, j int) { c[i], c[j] = c[j], c[i] }
func (c *candidates) Push(x any)   { *c = append(*c, x.(candidate)) }
func (c *candidates) Pop() any {
	old := *c
	x := old[len(old)-1]
	*c = old[:len(old)-1]
	return x
}
