/** The admin API ({@code /admin}, behind GATEWAY_ADMIN_KEY): tenants and virtual keys over {@link sai.gateway.tenancy.TenancyAdmin}. */
package sai.gateway.admin;
