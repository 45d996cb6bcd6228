// Package bbolt is a stand-in for go.etcd.io/bbolt in the browser build of
// the search client. Bleve's util package refers to bbolt's types, but the
// client never opens a Bolt database (bbolt has no GOOS=js build): every
// operation here fails with ErrUnavailable.
package bbolt

import (
	"errors"
	"os"
)

// ErrUnavailable is returned by every operation.
var ErrUnavailable = errors.New("bbolt is not available in the browser build")

// Options mirrors bbolt.Options.
type Options struct{}

// DB mirrors bbolt.DB.
type DB struct{}

// Tx mirrors bbolt.Tx.
type Tx struct{}

// Bucket mirrors bbolt.Bucket.
type Bucket struct{}

// Open always fails.
func Open(path string, mode os.FileMode, options *Options) (*DB, error) { return nil, ErrUnavailable }

// Begin always fails.
func (db *DB) Begin(writable bool) (*Tx, error) { return nil, ErrUnavailable }

// View always fails.
func (db *DB) View(fn func(*Tx) error) error { return ErrUnavailable }

// Update always fails.
func (db *DB) Update(fn func(*Tx) error) error { return ErrUnavailable }

// Close does nothing.
func (db *DB) Close() error { return nil }

// CreateBucketIfNotExists always fails.
func (tx *Tx) CreateBucketIfNotExists(name []byte) (*Bucket, error) { return nil, ErrUnavailable }

// Bucket finds nothing.
func (tx *Tx) Bucket(name []byte) *Bucket { return nil }

// Bucket finds nothing.
func (b *Bucket) Bucket(name []byte) *Bucket { return nil }

// CreateBucketIfNotExists always fails.
func (b *Bucket) CreateBucketIfNotExists(name []byte) (*Bucket, error) { return nil, ErrUnavailable }

// ForEach always fails.
func (b *Bucket) ForEach(fn func(k, v []byte) error) error { return ErrUnavailable }

// Put always fails.
func (b *Bucket) Put(key, value []byte) error { return ErrUnavailable }

// Get finds nothing.
func (b *Bucket) Get(key []byte) []byte { return nil }
