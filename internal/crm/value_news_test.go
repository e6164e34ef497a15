package crm

import (
	"slices"
	"testing"
)

func TestProductNewsByInterest(t *testing.T) {
	products := []string{"Saffron Gift Box", "زعفران سرگل ممتاز", "A4 Paper Premium", "زعفران نگین", "Printer Ink", "زعفران پوشال", "A4 Paper Eco", "كاغذ تحرير"}
	for _, tt := range []struct {
		name      string
		interests []string
		bought    map[string]bool
		want      []string
	}{
		{"no interests", nil, nil, nil},
		{"one interest, Latin, any case", []string{FoldKey("a4 paper")}, nil, []string{"A4 Paper Premium", "A4 Paper Eco"}},
		{"already bought is left out", []string{FoldKey("A4 Paper")}, map[string]bool{FoldKey("A4 Paper Premium"): true}, []string{"A4 Paper Eco"}},
		{"Arabic spelling of a Persian interest, at most three", []string{FoldKey("زعفران"), FoldKey("saffron")},
			nil, []string{"Saffron Gift Box", "زعفران سرگل ممتاز", "زعفران نگین"}},
		{"a product spelled with Arabic ك and ي finds a Persian interest", []string{FoldKey("کاغذ تحریر")}, nil, []string{"كاغذ تحرير"}},
		{"an empty key matches nothing", []string{""}, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ProductNews(tt.interests, products, tt.bought); !slices.Equal(got, tt.want) {
				t.Errorf("ProductNews = %q, want %q", got, tt.want)
			}
		})
	}
}
