package bot

import (
	"path/filepath"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/telecrm/crmbot/internal/crm"
)

// The campaign messages whose IDs are built from domain values exist for
// every value (TestEveryMessageTheBotUsesExists sees only literal IDs).
func TestCampaignMessageFamiliesExist(t *testing.T) {
	en := map[string]bool{}
	files, _ := filepath.Glob("../locales/*.en.toml")
	for _, f := range files {
		var raw map[string]any
		if _, err := toml.DecodeFile(f, &raw); err != nil {
			t.Fatal(err)
		}
		flattenMessages("", raw, en)
	}
	var ids []string
	for _, s := range []crm.CampaignStatus{crm.CampaignDraft, crm.CampaignSending, crm.CampaignDone} {
		ids = append(ids, "campaign.status."+string(s))
	}
	for _, s := range []crm.RecipientStatus{crm.RecipientQueued, crm.RecipientSending, crm.RecipientDelivered, crm.RecipientReplied,
		crm.RecipientBlocked, crm.RecipientSkipped, crm.RecipientFailed, crm.RecipientTask} {
		ids = append(ids, "campaign.recipient."+string(s))
	}
	for _, v := range crm.Segments {
		ids = append(ids, "campaign.value."+string(v))
	}
	for _, l := range []crm.Linked{crm.LinkedAny, crm.LinkedYes, crm.LinkedNo} {
		ids = append(ids, "campaign.btn.linked."+linkedKey(l))
		if l != crm.LinkedAny {
			ids = append(ids, "campaign.audience.linked."+string(l))
		}
	}
	for _, l := range []string{"en", "fa", "ar"} {
		ids = append(ids, "campaign.lang."+l)
	}
	for _, step := range []string{"city", "before", "after", "text"} {
		ids = append(ids, "campaign.ask."+step)
	}
	for _, id := range ids {
		if !en[id] {
			t.Errorf("message %q is used by campaigns but missing from the locales", id)
		}
	}
}
