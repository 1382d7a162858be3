function Add-KmsChangeItem {
    <#
    .SYNOPSIS
    Queues one record; a full batch is sent at once.

    .DESCRIPTION
    A record is asked about once kmsdb has planned its batch, so that the
    prompt, and -WhatIf, name exactly what would change: a record of this
    computer by Invoke-KmsChange; a record of another server once that
    server's kmsdb has planned it (Send-KmsChangeBatch, Confirm-KmsRemotePlan),
    naming the server, and it goes back to that server with -Confirm:$false
    once confirmed.
    #>
    # A plain function, not an advanced one: it runs for every record, and binding an advanced function
    # costs about twice as much.
    param(
        [hashtable] $Queue,

        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The record file, as the input gave it; without it, kmsdb finds the record a restore's backup is named for, in -Database.
        [AllowEmptyString()]
        [string] $Path,

        # The database folder, when -Path does not name it.
        [string] $Database,

        # The rest of the record's kmsdb request item (camelCase, as the schemas name them); the same
        # names bind the remote cmdlet's parameters, since PowerShell binds without letter case.
        [System.Collections.IDictionary] $Fields = @{},

        # What the result object is made with, besides kmsdb's result and the mailbox (see ConvertTo-KmsChangeResult).
        [hashtable] $ResultData = @{},

        [AllowNull()]
        [object] $InputObject,

        [AllowNull()]
        [AllowEmptyString()]
        [string] $Mailbox,

        # Where a remote record came from (Get-KmsRecordOrigin); $null for this computer.
        [AllowNull()]
        [object] $Origin,

        # -Path and -Database are real file-system paths (Test-KmsRealPath): taken as they are, not resolved where the caller stands.
        [switch] $RealPath
    )
    if ($Path -and -not $Origin) {
        if ($RealPath) {
            $file = $Path
        } elseif ($Path.StartsWith('/') -and [System.IO.Path]::DirectorySeparatorChar -eq '/') {
            # A path from the root names no drive (what Get-KmsRecord gives on Linux): resolved here, once per
            # record, it costs a fifth of a resolution where the caller stands.
            $file = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
        } else {
            # Resolved where the caller stands, so that a PSDrive made in the caller's function is seen.
            $found = Resolve-KmsCallerPath -Cmdlet $Cmdlet -Path $Path
            if ($found.Error) { Write-KmsPathError -Cmdlet $Cmdlet -Path $Path -Literal; return }
            # Variable:\x.ini has a "provider path" too (x.ini), which kmsdb would read against its own working folder.
            if ($found.Provider -ne 'FileSystem') { Write-KmsError -Cmdlet $Cmdlet -Message "'$Path' is not a file-system path; KMS databases are folders on disk." -ErrorId 'KmsPathNotFileSystem' -Category 'InvalidArgument' -ExceptionType 'System.ArgumentException' -TargetObject $InputObject; return }
            $file = $found.Paths[0]
        }
    }
    if ($Origin) {
        $key = $Origin.Key
        $batches = $Queue.Remote
        $Queue.Origins[$key] = $Origin
        # What the server's cmdlet binds (Item), and what the prompt and the errors here name.
        $properties = [ordered]@{}
        if ($Path) { $properties['Path'] = $Path }
        foreach ($name in $Fields.Keys) { $properties[$name] = $Fields[$name] }
        $entry = [PSCustomObject]@{ Item = [PSCustomObject]$properties; Input = $InputObject; Mailbox = $Mailbox }
    } else {
        $batches = $Queue.Local
        $request = [ordered]@{}
        if ($Path) {
            $key = [System.IO.Path]::GetDirectoryName($file)
            $request['path'] = $file
        }
        if ($Database -and $RealPath) {
            $key = $Database.TrimEnd('\', '/')
        } elseif ($Database) {
            $key = (Resolve-KmsCallerPath -Cmdlet $Cmdlet -Path $Database).Paths[0].TrimEnd('\', '/')
        }
        foreach ($name in $Fields.Keys) { $request[$name] = $Fields[$name] }
        $entry = [PSCustomObject]@{ Request = $request; Input = $InputObject; Mailbox = $Mailbox; ResultData = $ResultData }
    }
    if (-not $batches.Contains($key)) { $batches[$key] = [System.Collections.Generic.List[object]]::new() }
    $batches[$key].Add($entry)
    $limit = $Queue.Options.BatchSize
    if (-not $Origin) {
        # The batch kmsdb is changing: its results go out as they come, and its output never fills.
        $run = $Queue.InFlight
        if ($null -ne $run -and (($null -ne $run.Out -and $run.Out.IsCompleted) -or ($null -ne $run.Err -and $run.Err.IsCompleted))) {
            # In a pipeline of its own, as every read of kmsdb is: an exception caught while reading then reaches no -ErrorVariable.
            Receive-KmsdbRun -Run $run -Until Poll | ForEach-Object { $_ }
        }
        # The first batches are small, so that kmsdb starts changing records early, and each is as large
        # as can be read while kmsdb changes the one before.
        # A plan for another computer changes nothing, and takes one kmsdb run per batch.
        if ($Queue.Ramp -lt $limit -and -not $Queue.Options.PlanOnly) { $limit = $Queue.Ramp }
    }
    if ($batches[$key].Count -ge $limit) {
        if (-not $Origin) { $Queue.Ramp *= 2 }
        Send-KmsChangeBatch -Queue $Queue -Cmdlet $Cmdlet -Key $key -Remote:([bool]$Origin)
    }
}
