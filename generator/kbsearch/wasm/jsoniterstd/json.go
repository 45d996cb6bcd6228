// Package jsoniter stands in for github.com/json-iterator/go in the browser
// build of the search client: ConfigCompatibleWithStandardLibrary is, as
// its name says, the standard library's encoding/json.
//
// Bleve's geojson package (linked through Bleve's searchers, never run by
// the client) keeps the real package alive from its init; linking it cost
// 270 KB of the engine's code next to encoding/json, which the client needs
// anyway.
package jsoniter

import "encoding/json"

// API is the part of json-iterator's API the linked packages use.
type API interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

type standard struct{}

func (standard) Marshal(v any) ([]byte, error)      { return json.Marshal(v) }
func (standard) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// ConfigCompatibleWithStandardLibrary encodes and decodes as encoding/json.
var ConfigCompatibleWithStandardLibrary API = standard{}

// Marshal encodes v as encoding/json does.
func Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal decodes data into v as encoding/json does.
func Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
