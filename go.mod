module vepkb

go 1.26.8

require (
	github.com/alecthomas/chroma/v2 v2.27.0
	github.com/pelletier/go-toml/v2 v2.4.3
	github.com/tdewolff/minify/v2 v2.24.25
	github.com/yuin/goldmark v1.8.7
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/text v0.44.0
)

require (
	github.com/dlclark/regexp2/v2 v2.2.1 // indirect
	github.com/tdewolff/parse/v2 v2.8.20 // indirect
)
