//! The routes of this domain (the table is `crate::routes`).

use super::{agency, applications, dashboards, settlements, tiers};
use crate::http::routes::*;

pub static LIST_AGENCIES: Route = route!(
    "list-agencies",
    "GET",
    "/admin/agencies",
    ADMIN,
    agency::list_agencies_http,
    Api::new().says("Lists agencies with their owner, status, share and host count"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Agencies]).indexes(&[&GSI1])
);
pub static CREATE_AGENCY: Route = route!(
    "create-agency",
    "POST",
    "/admin/agencies",
    ADMIN,
    agency::create_agency_http,
    Api::new()
        .says("Creates an agency and e-mails its owner an invitation")
        .body(schema_of::<agency::AgencyInput>)
        .links(links_by_id!("$response.body#/id": "update-agency", "create-agency-settlement", "delete-agency"))
        .codes(&["owner_not_user", "code_taken"]),
    Needs::write().email().keys(&[
        Family::Account,
        Family::Agency,
        Family::AgencyCode,
        Family::AgencyInvite,
        Family::Audit,
        Family::Login
    ])
);
pub static REINVITE_AGENCY: Route = route!(
    "reinvite-agency",
    "POST",
    "/admin/agencies/{id}/invitation",
    ADMIN,
    agency::reinvite_agency_http,
    Api::new().says("Sends the agency owner's invitation again with a fresh code").codes(&["invitation_closed"]),
    Needs::write().email().keys(&[Family::Account, Family::Agency, Family::AgencyInvite, Family::Audit])
);
pub static ACCEPT_AGENCY_INVITATION: Route = route!(
    "accept-agency-invitation",
    "POST",
    "/agency-invitations/accept",
    ANY,
    agency::accept_agency_invitation_http,
    Api::new()
        .says("Claims an agency with the invitation code from the e-mail")
        .body(schema_of::<agency::AcceptInvitationInput>)
        .codes(&["invalid_code", "not_invitee", "owner_not_user"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Agency, Family::AgencyInvite, Family::Audit])
);
pub static UPDATE_AGENCY: Route = route!(
    "update-agency",
    "PATCH",
    "/admin/agencies/{id}",
    ADMIN,
    agency::update_agency_http,
    Api::new()
        .says("Changes an agency's name, share or status")
        .body(schema_of::<agency::AgencyChanges>)
        .codes(&["code_taken"]),
    Needs::of_method("PATCH").keys(&[Family::Account, Family::Agency, Family::Audit])
);
pub static DELETE_AGENCY: Route = route!(
    "delete-agency",
    "DELETE",
    "/admin/agencies/{id}",
    ADMIN,
    agency::delete_agency_http,
    Api::new().says("Deletes an agency that has no hosts left").codes(&["agency_has_hosts"]),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::Agency, Family::AgencyCode, Family::Audit])
);
pub static CREATE_AGENCY_SETTLEMENT: Route = route!(
    "create-agency-settlement",
    "POST",
    "/admin/agencies/{id}/settlements",
    ADMIN,
    settlements::create_agency_settlement_http,
    Api::new()
        .says("Pays out an agency: settles each of its hosts' earnings in one go, or previews it")
        .optional_body()
        .body(schema_of::<settlements::SettleInput>)
        .codes(&["nothing_to_settle"]),
    Needs::of_method("POST")
        .keys(&[
            Family::Account,
            Family::Agency,
            Family::Audit,
            Family::Event,
            Family::Settings,
            Family::Settlement,
            Family::SettlementsOfAgency,
            Family::SubAgencies
        ])
        .indexes(&[&GSI1, &GSI2])
);
pub static CREATE_HOST_SETTLEMENT_ADMIN: Route = route!(
    "create-host-settlement-admin",
    "POST",
    "/admin/hosts/{id}/settlements",
    ADMIN,
    settlements::create_admin_host_settlement_http,
    Api::new()
        .says("Pays out a host's earnings, split between host and agency, or previews it")
        .codes(&["nothing_to_settle", "host_in_agency"])
        .optional_body()
        .body(schema_of::<settlements::SettleInput>),
    Needs::of_method("POST").keys(&[
        Family::Account,
        Family::Audit,
        Family::Event,
        Family::Settings,
        Family::Settlement
    ])
);
pub static LIST_SETTLEMENTS: Route = route!(
    "list-settlements",
    "GET",
    "/admin/settlements",
    ADMIN,
    settlements::list_settlements_http,
    Api::new().says("Lists every payout, newest first"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settlements]).indexes(&[&GSI3])
);
pub static LIST_HOST_APPLICATIONS: Route = route!(
    "list-host-applications",
    "GET",
    "/admin/host-applications",
    ADMIN,
    applications::list_host_applications_http,
    Api::new().says("Lists host applications across agencies, filtered by status"),
    Needs::of_method("GET").keys(&[Family::Account, Family::HostApps]).indexes(&[&GSI2])
);
pub static CREATE_HOST_APPLICATION: Route = route!(
    "create-host-application",
    "POST",
    "/host-applications",
    ANY,
    applications::create_host_application_http,
    Api::new()
        .says("Applies to become a host with an agency's code")
        .body(schema_of::<applications::ApplicationInput>)
        .codes(&["cannot_apply", "application_pending"]),
    Needs::of_method("POST").keys(&[
        Family::Account,
        Family::Agency,
        Family::AgencyCode,
        Family::Audit,
        Family::HostApp
    ])
);
pub static GET_MY_HOST_APPLICATION: Route = route!(
    "get-my-host-application",
    "GET",
    "/host-applications/me",
    ANY,
    applications::get_my_host_application_http,
    Api::new().says("The caller's latest host application and its status"),
    Needs::of_method("GET").keys(&[Family::Account, Family::MyApps]).indexes(&[&GSI3])
);
pub static GET_AGENCY: Route = route!(
    "get-agency",
    "GET",
    "/agency",
    AGENCY,
    agency::get_agency_http,
    Api::new().says("The caller's agency: code, share, hosts and earnings"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Agency])
);
pub static LIST_AGENCY_HOST_APPLICATIONS: Route = route!(
    "list-agency-host-applications",
    "GET",
    "/agency/host-applications",
    AGENCY,
    applications::list_agency_host_applications_http,
    Api::new().says("Lists the host applications made with this agency's code"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Agency, Family::HostApps]).indexes(&[&GSI1])
);
pub static APPROVE_HOST_APPLICATION: Route = route!(
    "approve-host-application",
    "POST",
    "/agency/host-applications/{id}/approve",
    AGENCY_OR_ADMIN,
    applications::approve_host_application_http,
    Api::new()
        .says("Approves a host application: the applicant becomes this agency's host")
        .codes(&["cannot_host", "application_not_pending"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Agency, Family::Audit, Family::HostApp])
);
pub static REJECT_HOST_APPLICATION: Route = route!(
    "reject-host-application",
    "POST",
    "/agency/host-applications/{id}/reject",
    AGENCY_OR_ADMIN,
    applications::reject_host_application_http,
    Api::new()
        .says("Rejects a host application with a reason")
        .body(schema_of::<applications::RejectInput>)
        .codes(&["application_not_pending"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Agency, Family::Audit, Family::HostApp])
);
pub static LIST_AGENCY_HOSTS: Route = route!(
    "list-agency-hosts",
    "GET",
    "/agency/hosts",
    AGENCY,
    agency::list_agency_hosts_http,
    Api::new().says("Lists this agency's hosts with their unsettled earnings"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Agency])
);
pub static REMOVE_AGENCY_HOST: Route = route!(
    "remove-agency-host",
    "DELETE",
    "/agency/hosts/{id}",
    AGENCY,
    agency::remove_agency_host_http,
    Api::new().says("Removes a host from this agency; their unsettled earnings stay to be settled"),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::Agency, Family::Audit])
);
pub static CREATE_HOST_SETTLEMENT: Route = route!(
    "create-host-settlement",
    "POST",
    "/agency/hosts/{id}/settlements",
    AGENCY,
    settlements::create_host_settlement_http,
    Api::new()
        .says("Pays out one of this agency's hosts, split between host and agency, or previews it")
        .codes(&["nothing_to_settle"])
        .optional_body()
        .body(schema_of::<settlements::SettleInput>),
    Needs::of_method("POST")
        .keys(&[
            Family::Account,
            Family::Agency,
            Family::Audit,
            Family::Event,
            Family::Settings,
            Family::Settlement,
            Family::SettlementsOfAgency,
            Family::SubAgencies
        ])
        .indexes(&[&GSI1, &GSI2])
);
pub static LIST_AGENCY_SETTLEMENTS: Route = route!(
    "list-agency-settlements",
    "GET",
    "/agency/settlements",
    AGENCY,
    settlements::list_agency_settlements_http,
    Api::new().says("Lists this agency's payouts, newest first"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Agency, Family::SettlementsOfAgency]).indexes(&[&GSI1])
);
pub static LIST_MY_SETTLEMENTS: Route = route!(
    "list-my-settlements",
    "GET",
    "/host/settlements",
    HOST,
    settlements::list_my_settlements_http,
    Api::new().says("Lists the host's payouts, newest first"),
    Needs::of_method("GET").keys(&[Family::Account, Family::SettlementsOfHost]).indexes(&[&GSI2])
);
pub static GET_HOST_DASHBOARD: Route = route!(
    "get-host-dashboard",
    "GET",
    "/host/dashboard",
    HOST,
    dashboards::get_host_dashboard_http,
    Api::new().says("A host's earnings and call minutes today, this week, in all and per day").query(DAYS),
    Needs::of_method("GET").keys(&[Family::Account])
);
pub static GET_AGENCY_DASHBOARD: Route = route!(
    "get-agency-dashboard",
    "GET",
    "/agency/dashboard",
    AGENCY,
    dashboards::get_agency_dashboard_http,
    Api::new().says("An agency's hosts' earnings, call minutes and gifts in all and per day").query(DAYS),
    Needs::of_method("GET").keys(&[Family::Account, Family::Agency])
);
const DAYS: &[(&str, &str, &str)] =
    &[("days", r#"{"type": "integer", "minimum": 1, "maximum": 90}"#, "days in the series, today included (30)")];
pub static GET_AGENCY_TIERS: Route = route!(
    "get-agency-tiers",
    "GET",
    "/admin/agency-tiers",
    ADMIN,
    tiers::get_agency_tiers_http,
    Api::new().says("The agency commission tiers: the month's revenue each starts at, and its rate"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static PUT_AGENCY_TIERS: Route = route!(
    "put-agency-tiers",
    "PUT",
    "/admin/agency-tiers",
    ADMIN,
    tiers::put_agency_tiers_http,
    Api::new()
        .says("Replaces the agency commission tiers (the first at 0, rising in revenue)")
        .body(schema_of::<Vec<tiers::AgencyTier>>),
    Needs::of_method("PUT").keys(&[Family::Account, Family::Audit, Family::Settings])
);
pub static GET_AGENCY_MONTH: Route = route!(
    "get-agency-month",
    "GET",
    "/agency/month",
    AGENCY,
    tiers::get_agency_month_http,
    Api::new().says("The agency's month so far: revenue, commission rate and tier, the next tier, its sub-agencies"),
    Needs::of_method("GET")
        .keys(&[Family::Account, Family::Agency, Family::Settings, Family::SettlementsOfAgency, Family::SubAgencies])
        .indexes(&[&GSI1, &GSI2])
);
pub static CREATE_SUB_AGENCY: Route = route!(
    "create-sub-agency",
    "POST",
    "/agency/sub-agencies",
    AGENCY,
    tiers::create_sub_agency_http,
    Api::new()
        .says("Invites a sub-agency at a commission the agency sets; the agency earns its own rate minus it")
        .body(schema_of::<tiers::SubAgencyInput>)
        .codes(&["owner_not_user", "code_taken", "sub_agency_limit"]),
    Needs::write().email().keys(&[
        Family::Account,
        Family::Agency,
        Family::AgencyCode,
        Family::AgencyInvite,
        Family::Audit,
        Family::Login
    ])
);
