package crm

import "strings"

// MaxProductNews is how many new products a check-in note names.
const MaxProductNews = 3

// ProductNews picks, for a proactive customer's check-in, the new products
// to suggest (seed 000's proactive level: "new-product suggestions by
// interest"): those whose name (FoldKey) contains one of the customer's
// interest keys, that the customer has not bought yet, in the order given
// (newest first), at most MaxProductNews. bought holds FoldKey of what
// they bought.
func ProductNews(interestKeys, products []string, bought map[string]bool) []string {
	var out []string
	for _, p := range products {
		k := FoldKey(p)
		if k == "" || bought[k] {
			continue
		}
		for _, i := range interestKeys {
			if i != "" && strings.Contains(k, i) {
				out = append(out, p)
				break
			}
		}
		if len(out) == MaxProductNews {
			break
		}
	}
	return out
}
