package sai.gateway.tenancy;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

@MappedEntity("gateway_setting")
record SettingRow(@Id String name, String settingValue) {
}
