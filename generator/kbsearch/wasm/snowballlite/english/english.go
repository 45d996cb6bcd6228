// Package english stands in for github.com/blevesearch/snowballstem/english
// (see the parent package).
package english

import "github.com/blevesearch/snowballstem"

// Stem would stem env's word; the client never calls it.
func Stem(env *snowballstem.Env) bool {
	panic("the Snowball English stemmer is not in the browser build of the search client")
}
