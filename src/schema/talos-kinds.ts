/**
 * Talos multi-document kinds: the ones talium models (with the Talos line that introduced them) and the other
 * kinds Talos 1.12–1.14 accept (not modelled: no finding, they are Talos's business). Sources: Talos
 * config.schema.json kind lists at v1.12.11, v1.13.9, v1.14.0-rc.1; domain-facts §3.1, §3.5.
 */
export const TALOS_DOCUMENT_KINDS: Record<string, string> = {
  LinkConfig: '1.12',
  VLANConfig: '1.12',
  Layer2VIPConfig: '1.12',
  HostnameConfig: '1.12',
  ResolverConfig: '1.12',
  DHCPv4Config: '1.12',
  KubeProxyConfig: '1.14',
  KubeFlannelCNIConfig: '1.14',
  KubeNetworkConfig: '1.14',
  KubeInlineManifestConfig: '1.14',
  KubeExternalManifestConfig: '1.14',
  KubePrismConfig: '1.14',
};

export const TALOS_KNOWN_UNMODELED: readonly string[] = [
  'BGPInstanceConfig', 'BlackholeRouteConfig', 'BondConfig', 'BridgeConfig', 'CRIBaseRuntimeSpecConfig',
  'CRICustomizationConfig', 'ContainerConfig', 'DHCPv6Config', 'DiscoveryIdentityConfig', 'DiscoveryServiceConfig',
  'DummyLinkConfig', 'EnvironmentConfig', 'EtcFileConfig', 'EthernetConfig', 'EventSinkConfig', 'ExistingVolumeConfig',
  'ExtensionServiceConfig', 'ExternalVolumeConfig', 'FilesystemScrubConfig', 'FilesystemTrimConfig', 'HCloudVIPConfig',
  'HTTPProbeConfig', 'ImageCacheConfig', 'KernelModuleConfig', 'KmsgLogConfig', 'KubeAPIServerCAConfig',
  'KubeAPIServerConfig', 'KubeAdmissionControlConfig', 'KubeAggregatorCAConfig', 'KubeAuditPolicyConfig',
  'KubeAuthenticationConfig', 'KubeAuthorizerConfig', 'KubeClusterConfig', 'KubeControllerManagerConfig',
  'KubeCoreDNSConfig', 'KubeCredentialProviderConfig', 'KubeEtcdEncryptionConfig', 'KubeNodeConfig',
  'KubeSchedulerConfig', 'KubeServiceAccountConfig', 'KubeSpanConfig', 'KubeSpanEndpoints', 'KubeStaticPodConfig',
  'KubeTalosAPIAccessConfig', 'KubeletConfig', 'LVMLogicalVolumeConfig', 'LVMVolumeGroupConfig', 'LinkAliasConfig',
  'NetworkDefaultActionConfig', 'NetworkRuleConfig', 'OOMConfig', 'PCIDriverRebindConfig', 'RAIDArrayConfig',
  'RawVolumeConfig', 'RegistryAuthConfig', 'RegistryMirrorConfig', 'RegistryTLSConfig', 'RoutingRuleConfig',
  'SecurityProfileConfig', 'SideroLinkConfig', 'StaticHostConfig', 'SwapVolumeConfig', 'SysctlConfig', 'SysfsConfig',
  'TCPProbeConfig', 'TimeSyncConfig', 'TrustedRootsConfig', 'UdevRulesConfig', 'UnattendedInstall',
  'UnattendedInstallConfig', 'UserVolumeConfig', 'VRFConfig', 'VethConfig', 'VolumeConfig', 'WatchdogTimerConfig',
  'WireguardConfig', 'ZswapConfig',
];
