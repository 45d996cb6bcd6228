module vepkb/searchclient

go 1.26.8

require (
	github.com/blevesearch/bleve/v2 v2.6.3
	vepkb v0.0.0
)

require (
	github.com/RoaringBitmap/roaring/v2 v2.14.5 // indirect
	github.com/bits-and-blooms/bitset v1.24.2 // indirect
	github.com/blevesearch/bleve_index_api v1.4.1 // indirect
	github.com/blevesearch/geo v0.2.8 // indirect
	github.com/blevesearch/go-faiss v1.1.5 // indirect
	github.com/blevesearch/go-porterstemmer v1.0.3 // indirect
	github.com/blevesearch/scorch_segment_api/v2 v2.4.11 // indirect
	github.com/blevesearch/segment v0.9.1 // indirect
	github.com/blevesearch/snowballstem v0.9.0 // indirect
	github.com/blevesearch/upsidedown_store_api v1.0.2 // indirect
	github.com/json-iterator/go v0.0.0-20171115153421-f7279a603ede // indirect
	github.com/mschoch/smat v0.2.0 // indirect
	go.etcd.io/bbolt v1.4.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace vepkb => ../../..

// bbolt has no GOOS=js build; the client never opens a Bolt database.
replace go.etcd.io/bbolt => ./bboltstub

// Stand-ins that keep code the client never runs out of the engine (see
// each package's doc): roaring's init alone kept 680 KB of code alive.
replace github.com/RoaringBitmap/roaring/v2 => ./roaringlite

replace github.com/json-iterator/go => ./jsoniterstd

// Bleve's Arabic package keeps x/text's NFKC tables alive through an
// analyzer the client never uses.
replace golang.org/x/text => ./textlite

// Bleve's English package registers a Snowball stemmer the client never
// uses (its analyzers stem with Porter).
replace github.com/blevesearch/snowballstem => ./snowballlite
