package http

import (
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
)

type staffInviteRequest struct {
	Phone string `json:"phone"`
	Role  string `json:"role"`
}

type staffInviteJSON struct {
	Phone     string    `json:"phone"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func (h providerHandlers) inviteStaff(c *fiber.Ctx) error {
	var req staffInviteRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	inv, err := h.svc.InviteStaff(c.UserContext(), mustActor(c), c.Params("providerId"), req.Phone, req.Role)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(staffInviteJSON{Phone: inv.Phone.Masked(), Role: string(inv.Role),
		ExpiresAt: inv.ExpiresAt.UTC()})
}

func (h providerHandlers) acceptStaffInvite(c *fiber.Ctx) error {
	id := c.Params("providerId")
	role, err := h.svc.AcceptStaffInvite(c.UserContext(), mustActor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"providerId": id, "role": string(role)})
}

type myStaffInviteJSON struct {
	ProviderID   string    `json:"providerId"`
	ProviderName string    `json:"providerName"`
	Role         string    `json:"role"`
	ExpiresAt    time.Time `json:"expiresAt"`
}

func (h providerHandlers) myStaffInvites(c *fiber.Ctx) error {
	invs, err := h.svc.MyStaffInvites(c.UserContext(), mustActor(c))
	if err != nil {
		return err
	}
	out := items[myStaffInviteJSON]{Items: make([]myStaffInviteJSON, len(invs))}
	for i, p := range invs {
		out.Items[i] = myStaffInviteJSON{ProviderID: p.Provider.ID, ProviderName: p.Provider.Profile.LegalName,
			Role: string(p.Invite.Role), ExpiresAt: p.Invite.ExpiresAt.UTC()}
	}
	return c.JSON(out)
}

type certificateJSON struct {
	Kind      string `json:"kind"`
	Number    string `json:"number"`
	Issuer    string `json:"issuer"`
	ExpiresOn string `json:"expiresOn"`
}

type pointJSON struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

type caregiverJSON struct {
	Certificates []certificateJSON `json:"certificates"`
	Skills       []string          `json:"skills"`
	Gender       string            `json:"gender"`
	Languages    []string          `json:"languages"`
	HomeBase     pointJSON         `json:"homeBase"`
	WeeklyHours  []hoursJSON       `json:"weeklyHours"`
	Active       bool              `json:"active"`
}

func (r caregiverJSON) caregiver() (provider.Caregiver, error) {
	c := provider.Caregiver{Gender: r.Gender, Languages: r.Languages, Active: r.Active,
		HomeBase: geo.Point{Lat: r.HomeBase.Lat, Lng: r.HomeBase.Lng}}
	for i, cert := range r.Certificates {
		on, err := calendar.ParseDate(cert.ExpiresOn)
		if err != nil {
			return c, provider.ErrStaffInvalid.WithFields(fault.FieldError{
				Field: "/certificates/" + strconv.Itoa(i) + "/expiresOn", Code: "date_invalid"})
		}
		c.Certificates = append(c.Certificates, provider.Certificate{Kind: provider.CertificateKind(cert.Kind),
			Number: cert.Number, Issuer: cert.Issuer, ExpiresOn: on})
	}
	for _, t := range r.Skills {
		c.Skills = append(c.Skills, service.Type(t))
	}
	for _, h := range r.WeeklyHours {
		c.WeeklyHours = append(c.WeeklyHours, provider.Hours{Weekday: h.Weekday, Open: h.Open, Close: h.Close})
	}
	return c, nil
}

func toCertificates(cs []provider.Certificate) []certificateJSON {
	out := make([]certificateJSON, len(cs))
	for i, c := range cs {
		out[i] = certificateJSON{Kind: string(c.Kind), Number: c.Number, Issuer: c.Issuer, ExpiresOn: c.ExpiresOn.String()}
	}
	return out
}

type staffJSON struct {
	UserID   string    `json:"userId"`
	Role     string    `json:"role"`
	JoinedAt time.Time `json:"joinedAt"`
	Care     any       `json:"caregiver,omitempty"` // *caregiverJSON, or colleagueJSON
	// Caregivers' ratings of their visits for this provider.
	RatingAverage *float64          `json:"ratingAverage,omitempty"`
	RatingCount   *int64            `json:"ratingCount,omitempty"`
	Expiring      []certificateJSON `json:"expiringCertificates,omitempty"`
}

func toStaff(s provider.Staff, expiring []provider.Certificate) staffJSON {
	out := staffJSON{UserID: s.UserID, Role: string(s.Role), JoinedAt: s.JoinedAt.UTC(), Expiring: toCertificates(expiring)}
	if len(expiring) == 0 {
		out.Expiring = nil
	}
	if c := s.Caregiver; c != nil {
		cj := &caregiverJSON{Certificates: toCertificates(c.Certificates), Gender: c.Gender,
			Languages: append([]string{}, c.Languages...),
			HomeBase:  pointJSON{Lat: c.HomeBase.Lat, Lng: c.HomeBase.Lng}, Active: c.Active,
			Skills: make([]string, len(c.Skills)), WeeklyHours: make([]hoursJSON, len(c.WeeklyHours))}
		for i, t := range c.Skills {
			cj.Skills[i] = string(t)
		}
		for i, h := range c.WeeklyHours {
			cj.WeeklyHours[i] = hoursJSON{Weekday: h.Weekday, Open: h.Open, Close: h.Close}
		}
		out.Care = cj
	}
	if s.Role == provider.StaffCaregiver {
		avg, n := math.Round(s.Ratings.Average()*10)/10, s.Ratings.Count
		out.RatingAverage, out.RatingCount = &avg, &n
	}
	return out
}

func (h providerHandlers) staff(c *fiber.Ctx) error {
	views, err := h.svc.Staff(c.UserContext(), mustActor(c), c.Params("providerId"))
	if err != nil {
		return err
	}
	out := items[staffJSON]{Items: make([]staffJSON, len(views))}
	for i, v := range views {
		if v.Colleague {
			out.Items[i] = toColleague(v.Staff)
		} else {
			out.Items[i] = toStaff(v.Staff, v.Expiring)
		}
	}
	return c.JSON(out)
}

// colleagueJSON is what a caregiver sees of a colleague's profile.
type colleagueJSON struct {
	Skills []string `json:"skills"`
}

func toColleague(s provider.Staff) staffJSON {
	out := staffJSON{UserID: s.UserID, Role: string(s.Role), JoinedAt: s.JoinedAt.UTC()}
	if c := s.Caregiver; c != nil {
		cj := colleagueJSON{Skills: make([]string, len(c.Skills))}
		for i, t := range c.Skills {
			cj.Skills[i] = string(t)
		}
		out.Care = cj
	}
	return out
}

func (h providerHandlers) removeStaff(c *fiber.Ctx) error {
	if err := h.svc.RemoveStaff(c.UserContext(), mustActor(c), c.Params("providerId"), c.Params("userId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h providerHandlers) setCaregiver(c *fiber.Ctx) error {
	var req caregiverJSON
	if err := decode(c, &req); err != nil {
		return err
	}
	cg, err := req.caregiver()
	if err != nil {
		return err
	}
	s, err := h.svc.SetCaregiver(c.UserContext(), mustActor(c), c.Params("providerId"), c.Params("userId"), cg)
	if err != nil {
		return err
	}
	return c.JSON(toStaff(s, nil))
}
