/** The admin API ({@code /admin}, behind GATEWAY_ADMIN_KEY): tenants and virtual keys over {@link sai.gateway.tenancy.TenancyAdmin}, usage totals over {@link sai.gateway.usage.UsageTotals}. */
package sai.gateway.admin;
