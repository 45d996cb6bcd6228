package search_test

import (
	"context"
	"math"
	"sort"
	"strconv"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

// BenchmarkPruningBounds measures how far an early-terminating evaluation
// could cut broad queries over a built index (KB_BENCH_INDEX=…/search-index,
// meant for the 10,000-page corpus) while keeping the exact top ten pages:
// how many pages an upper bound of their score cannot rule out against θ,
// the tenth page's PageScore.
//
// It measures the engine with TF-IDF scoring, as it scored when this was
// measured (BM25 came later; its saturating term frequency changes the
// bounds, not the even spread of frequent words that defeats them here).
// The bound follows Bleve's TF-IDF scores for the engine's plan of plain
// words (each word's title, heading and body terms, and the clause for
// sections holding every word), coordination factors included, with each
// term's √freq·norm taken at the maximum of its block of documents
// (block-max WAND; a block of 1 is each document's own value), and a page's
// bound as its best section's times 1 + PageWeight·(min(sections, 3) − 1).
// It also measures impact-ordered lists: reading each term's documents by
// falling weight until no unread document can reach θ, the entries read and
// the pages then left to score exactly. docs/search.md has the figures.
func BenchmarkPruningBounds(b *testing.B) {
	ix, m := benchIndex(b)
	ctx := context.Background()
	r := ix.Reader(ctx)
	for _, q := range []string{"information policy", "records manager retention", "risk assessment", "dynamic security", "policy"} {
		b.Run(q, func(b *testing.B) {
			for range b.N {
				p := newPruning(b, ctx, r, m, q)
				for _, size := range []int{1, 16, 128} {
					b.ReportMetric(float64(p.candidatePages(size)), "pages-block"+strconv.Itoa(size))
				}
				entries, pages := p.impactOrdered()
				b.ReportMetric(float64(entries), "impact-entries")
				b.ReportMetric(float64(pages), "impact-pages")
				b.ReportMetric(float64(p.res.Pages), "matching-pages")
			}
		})
	}
}

type pruneLeaf struct {
	clause int
	weight float64 // boost × idf² × query norm: a match scores weight × √freq × norm
	docs   []int
	imps   []float64 // √freq × norm of each document
}

type pruning struct {
	r      *kbx.Reader
	res    *engine.Result
	theta  float64
	words  int
	leaves []*pruneLeaf
	docs   int
}

func newPruning(b *testing.B, ctx context.Context, r *kbx.Reader, m *mapping.IndexMappingImpl, q string) *pruning {
	ctx = context.WithValue(ctx, bsearch.GetScoringModelCallbackKey, bsearch.GetScoringModelCallbackFn(func() string { return index.TFIDFScoring }))
	res, err := engine.Search(ctx, r, m, nil, engine.Request{Query: q, Size: 10})
	if err != nil || len(res.Hits) < 10 {
		b.Fatalf("%q: %v, %d hits", q, err, len(res.Hits))
	}
	last := res.Hits[9]
	scores := []float64{last.Score}
	for _, s := range last.Sections {
		scores = append(scores, s.Score)
	}
	n, _ := r.DocCount()
	p := &pruning{r: r, res: res, theta: engine.PageScore(scores), docs: int(n)}
	parsed := engine.Parse(q, false)
	p.words = len(parsed.Words)
	sum := 0.0
	for i, w := range parsed.Words {
		for _, term := range schema.Analyze(m, schema.TextAnalyzer, w) {
			for _, f := range []struct {
				name  string
				boost float64
			}{{schema.Title, 3}, {schema.Heading, 2}, {schema.Body, 1}} {
				tfr, err := r.TermFieldReader(ctx, []byte(term), f.name, true, true, false)
				if err != nil {
					b.Fatal(err)
				}
				idf := 1 + math.Log(float64(n)/float64(tfr.Count()+1))
				l := &pruneLeaf{clause: i, weight: f.boost * idf * idf}
				// Each word's terms are in the plan twice (its clause and
				// the clause for every word) when there are several words.
				copies := 1.0
				if len(parsed.Words) > 1 {
					copies = 2
				}
				sum += copies * (f.boost * idf) * (f.boost * idf)
				for {
					d, err := tfr.Next(nil)
					if err != nil {
						b.Fatal(err)
					}
					if d == nil {
						break
					}
					l.docs = append(l.docs, int(docNumber(d.ID)))
					l.imps = append(l.imps, math.Sqrt(float64(d.Freq))*d.Norm)
				}
				p.leaves = append(p.leaves, l)
			}
		}
	}
	norm := 1 / math.Sqrt(sum)
	for _, l := range p.leaves {
		l.weight *= norm
	}
	return p
}

func docNumber(id index.IndexInternalID) uint64 {
	var n uint64
	for _, c := range id {
		n = n<<8 | uint64(c)
	}
	return n
}

// bound is the most a document can score given, for each leaf, the most
// its term can add (0: absent): each word's clause sums its present terms
// times their share of the clause (Bleve's coordination factor), and with
// several words the top clause adds the every-word clause when all words
// are present, times the share of its clauses present.
func (p *pruning) bound(val []float64) float64 {
	u := make([]float64, p.words)
	present := make([]float64, p.words)
	total := make([]float64, p.words)
	for i, l := range p.leaves {
		total[l.clause]++
		if val[i] > 0 {
			u[l.clause] += val[i]
			present[l.clause]++
		}
	}
	s, all, clauses := 0.0, true, 0.0
	for i := range u {
		x := u[i] * present[i] / total[i]
		s += x
		all = all && x > 0
		if x > 0 {
			clauses++
		}
	}
	if p.words > 1 {
		if all {
			s *= 2
			clauses++
		}
		s *= clauses / float64(p.words+1)
	}
	return s
}

// pageWeight is how much a page's bound exceeds its best section's.
func pageWeight(sections int) float64 {
	return 1 + engine.PageWeight*float64(min(sections, engine.MaxSections)-1)
}

// candidatePages counts the pages whose bound reaches θ when each term's
// weight is known only as the maximum over blocks of size documents.
func (p *pruning) candidatePages(size int) int {
	type block struct {
		first, last int
		max         float64
	}
	blocks := make([][]block, len(p.leaves))
	for i, l := range p.leaves {
		for j := 0; j < len(l.docs); j += size {
			e := min(j+size, len(l.docs))
			bl := block{first: l.docs[j], last: l.docs[e-1]}
			for _, im := range l.imps[j:e] {
				bl.max = math.Max(bl.max, im)
			}
			blocks[i] = append(blocks[i], bl)
		}
	}
	best := map[int]float64{}
	sections := map[int]int{}
	val := make([]float64, len(p.leaves))
	for d := 0; d < p.docs; d++ {
		for i, l := range p.leaves {
			val[i] = 0
			bs := blocks[i]
			k := sort.Search(len(bs), func(k int) bool { return bs[k].last >= d })
			if k < len(bs) && bs[k].first <= d {
				val[i] = l.weight * bs[k].max
			}
		}
		page, _ := p.r.PageOf(kbx.InternalIDOf(uint64(d)))
		best[page] = math.Max(best[page], p.bound(val))
		sections[page]++
	}
	n := 0
	for page, ub := range best {
		if ub*pageWeight(sections[page]) >= p.theta {
			n++
		}
	}
	return n
}

// impactOrdered reads each term's documents by falling weight, always from
// the term whose next weight is largest, until a page made of unread
// documents cannot reach θ; it returns the entries read and the pages left
// whose bound (read weights, and the next weight of each term where a
// document was not read) still reaches θ.
func (p *pruning) impactOrdered() (entries, pages int) {
	type entry struct {
		doc    int
		weight float64
	}
	lists := make([][]entry, len(p.leaves))
	for i, l := range p.leaves {
		for j, d := range l.docs {
			lists[i] = append(lists[i], entry{d, l.weight * l.imps[j]})
		}
		sort.Slice(lists[i], func(a, b int) bool { return lists[i][a].weight > lists[i][b].weight })
	}
	depth := make([]int, len(p.leaves))
	next := make([]float64, len(p.leaves))
	frontier := func() {
		for i := range lists {
			next[i] = 0
			if depth[i] < len(lists[i]) {
				next[i] = lists[i][depth[i]].weight
			}
		}
	}
	const step = 32
	for frontier(); p.bound(next)*pageWeight(engine.MaxSections) >= p.theta; frontier() {
		k := 0
		for i := range next {
			if next[i] > next[k] {
				k = i
			}
		}
		depth[k] = min(depth[k]+step, len(lists[k]))
	}
	seen := map[int][]float64{}
	for i := range lists {
		entries += depth[i]
		for _, e := range lists[i][:depth[i]] {
			if seen[e.doc] == nil {
				seen[e.doc] = make([]float64, len(lists))
			}
			seen[e.doc][i] = e.weight
		}
	}
	unread := p.bound(next)
	byPage := map[int][]float64{}
	for d, w := range seen {
		val := make([]float64, len(lists))
		for i := range lists {
			val[i] = w[i]
			if val[i] == 0 {
				val[i] = next[i]
			}
		}
		page, _ := p.r.PageOf(kbx.InternalIDOf(uint64(d)))
		byPage[page] = append(byPage[page], p.bound(val))
	}
	for _, ubs := range byPage {
		sort.Sort(sort.Reverse(sort.Float64Slice(ubs)))
		for len(ubs) < engine.MaxSections {
			ubs = append(ubs, unread)
		}
		if engine.PageScore(ubs) >= p.theta {
			pages++
		}
	}
	return entries, pages
}
