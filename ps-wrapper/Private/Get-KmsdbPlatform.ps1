function Get-KmsdbPlatform {
    <#
    .SYNOPSIS
    The bin/ folder of the kmsdb build that runs here (win-x64 or linux-x64); a terminating error where none does.

    .DESCRIPTION
    kmsdb embeds Node.js 22, which needs Windows 10 or Windows Server 2016 or later and does not
    load at all on Windows 7 or Server 2008 R2, so older Windows stops here with a clear error
    rather than with a loader crash.

    On Windows the architecture comes from the environment: PROCESSOR_ARCHITEW6432 is the
    machine's own in a 32-bit PowerShell on 64-bit Windows, else PROCESSOR_ARCHITECTURE.
    RuntimeInformation.OSArchitecture is not used there: some .NET Framework 4.7.x builds
    report X86 on x64. Windows 11 on ARM64 runs the x64 build under emulation.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    if (Test-KmsWindows) {
        $version = Get-KmsWindowsVersion
        if ($version.Major -lt 10) {
            Write-KmsError -Cmdlet $Cmdlet -Terminating -ExceptionType 'System.PlatformNotSupportedException' -ErrorId 'KmsdbWindowsNotSupported' -Category 'NotImplemented' -TargetObject $version `
                -Message ("KmsEnrollment needs Windows 10 or Windows Server 2016 or later; this is Windows {0}. Run it on a newer server that can reach the database (a UNC path works), or through remoting from one." -f $version)
        }
        $architecture = $env:PROCESSOR_ARCHITEW6432
        if (-not $architecture) { $architecture = $env:PROCESSOR_ARCHITECTURE }
        # Windows 11 (build 22000 and later) on ARM64 runs x64 programs; Windows 10 on ARM64 does not.
        if ($architecture -eq 'AMD64' -or ($architecture -eq 'ARM64' -and $version.Build -ge 22000)) { return 'win-x64' }
        $what = 'Windows {0} on {1}' -f $version, $architecture
    } elseif ((Test-Path -Path 'variable:IsLinux') -and $IsLinux) {
        $architecture = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString()
        if ($architecture -eq 'X64') { return 'linux-x64' }
        $what = 'Linux on {0}' -f $architecture
    } else {
        $what = [string][Environment]::OSVersion.Platform
    }
    Write-KmsError -Cmdlet $Cmdlet -Terminating -ExceptionType 'System.PlatformNotSupportedException' -ErrorId 'KmsdbPlatformNotSupported' -Category 'NotImplemented' -TargetObject $what `
        -Message "KmsEnrollment runs on x64 Windows 10, Windows Server 2016 or later (and Windows 11 on ARM64), and on x64 Linux; this is $what."
}
