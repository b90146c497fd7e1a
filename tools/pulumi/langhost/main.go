// Command pulumi-language-nodejs is a minimal Node.js language host for the Pulumi CLI.
//
// Why it exists: the Go module proxy this project can reach serves the Pulumi CLI
// (github.com/pulumi/pulumi/pkg/v3) but refuses every version of Pulumi's own language host module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), so it cannot be built offline.
// This host speaks the same LanguageRuntime gRPC protocol (from the pinned sdk/v3 module) and launches
// the program exactly the way Pulumi's host does: through `@pulumi/pulumi/cmd/run` from the program's
// own node_modules, with the engine's config in PULUMI_CONFIG. Everything the program and the dynamic
// provider do therefore runs Pulumi's real Node.js SDK code. See docs/pulumi-engine.md.
//
// Not supported (answered with Unimplemented, which the engine tolerates where it matters):
// InstallDependencies (run `npm ci` yourself), RunPlugin, code generation.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// exitCodeUserActionable is what @pulumi/pulumi/cmd/run exits with after it has already printed a
// user-facing error; the engine is then told to bail without adding a second, generic error.
const exitCodeUserActionable = 32

func main() {
	engineAddress, tracing := parseArgs(os.Args[1:])
	nodePath, err := exec.LookPath("node")
	if err != nil {
		fatalf("could not find node on the $PATH: %v", err)
	}
	host := &nodeLanguageHost{node: nodePath, engineAddress: engineAddress, tracing: tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fatalf("could not start the language host gRPC server: %v", err)
	}
	// The engine reads the port from our first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fatalf("language host stopped serving: %v", err)
	}
}

// parseArgs accepts the engine's calling convention: optional flags (only --tracing is used), then the
// engine address as the last positional argument.
func parseArgs(args []string) (engineAddress, tracing string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case strings.HasPrefix(arg, "-tracing=") || strings.HasPrefix(arg, "--tracing="):
			tracing = arg[strings.Index(arg, "=")+1:]
		case (arg == "-tracing" || arg == "--tracing") && i+1 < len(args):
			tracing = args[i+1]
			i++
		case strings.HasPrefix(arg, "-"):
			// Logging flags (-v=9, --logtostderr, ...) are irrelevant to this host.
		default:
			engineAddress = arg
		}
	}
	return engineAddress, tracing
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: "+format+"\n", args...)
	os.Exit(1)
}

type nodeLanguageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	node          string
	tracing       string
	mu            sync.Mutex
	engineAddress string
}

func (h *nodeLanguageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeLanguageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPackages reports resource-provider packages installed in node_modules (package.json
// `"pulumi": {"resource": true}`), as Pulumi's host does, so the engine can pre-load their plugins.
func (h *nodeLanguageHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	plugins, err := resourcePlugins(req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, p := range plugins {
		resp.Packages = append(resp.Packages, &pulumirpc.PackageDependency{Name: p.Name, Kind: p.Kind, Version: p.Version})
	}
	return resp, nil
}

func (h *nodeLanguageHost) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	plugins, err := resourcePlugins(req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *nodeLanguageHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.Command(h.node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: h.node, Version: strings.TrimSpace(string(out))}, nil
}

func (h *nodeLanguageHost) InstallDependencies(
	*pulumirpc.InstallDependenciesRequest, grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	return status.Error(codes.Unimplemented,
		"this language host does not install dependencies; run `npm ci` in the project directory")
}

// Run launches `node <@pulumi/pulumi/cmd/run> [flags] <program>` and reports how it ended.
func (h *nodeLanguageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	runPath, err := runScriptPath(programDir)
	if err != nil {
		return nil, err
	}
	options := runtimeOptions(info.GetOptions())

	// A stack without config sends no map; @pulumi/pulumi parses PULUMI_CONFIG with Object.keys, so it
	// must be "{}", never "null".
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("serializing config: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("serializing secret config keys: %w", err)
	}

	args := append(options.nodeArgs, runPath)
	appendFlag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	h.mu.Lock()
	appendFlag("engine", h.engineAddress)
	h.mu.Unlock()
	appendFlag("monitor", req.GetMonitorAddress())
	appendFlag("organization", req.GetOrganization())
	appendFlag("project", req.GetProject())
	appendFlag("root-directory", info.GetRootDirectory())
	appendFlag("stack", req.GetStack())
	appendFlag("pwd", req.GetPwd())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		appendFlag("parallel", fmt.Sprint(req.GetParallel()))
	}
	appendFlag("tracing", h.tracing)
	entryPoint := info.GetEntryPoint()
	if entryPoint == "" {
		entryPoint = "."
	}
	args = append(args, entryPoint)
	args = append(args, req.GetArgs()...)

	cmd := exec.CommandContext(ctx, h.node, args...)
	cmd.Dir = programDir
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+fmt.Sprint(options.typescript),
	)
	if options.tsconfig != "" {
		cmd.Env = append(cmd.Env, "PULUMI_NODEJS_TSCONFIG_PATH="+options.tsconfig)
	}

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.ExitStatus() == exitCodeUserActionable {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the Node.js program: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

type nodeOptions struct {
	typescript bool
	tsconfig   string
	nodeArgs   []string
}

// runtimeOptions reads Pulumi.yaml's `runtime.options` with the same defaults as Pulumi's host:
// TypeScript support is on unless `typescript: false`.
func runtimeOptions(opts *structpb.Struct) nodeOptions {
	result := nodeOptions{typescript: true}
	if opts == nil {
		return result
	}
	fields := opts.GetFields()
	if v, ok := fields["typescript"]; ok {
		result.typescript = v.GetBoolValue()
	}
	if v, ok := fields["tsconfig"]; ok {
		result.tsconfig = v.GetStringValue()
	}
	if v, ok := fields["nodeargs"]; ok && v.GetStringValue() != "" {
		result.nodeArgs = strings.Fields(v.GetStringValue())
	}
	return result
}

// runScriptPath finds @pulumi/pulumi/cmd/run in the program's node_modules (or an override), the
// script that connects the program to the engine.
func runScriptPath(programDir string) (string, error) {
	if override := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); override != "" {
		return override, nil
	}
	for dir := programDir; ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if _, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil {
			return candidate, nil
		}
		if parent := filepath.Dir(dir); parent == dir {
			break
		}
	}
	return "", fmt.Errorf("the Pulumi Node.js SDK is not installed in %s: run `npm ci` there first", programDir)
}

type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
	} `json:"pulumi"`
}

// resourcePlugins lists the top-level and scoped packages in node_modules that declare a resource plugin.
func resourcePlugins(programDir string) ([]*pulumirpc.PluginDependency, error) {
	nodeModules := filepath.Join(programDir, "node_modules")
	var manifests []string
	entries, err := os.ReadDir(nodeModules)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "@") {
			scoped, err := os.ReadDir(filepath.Join(nodeModules, e.Name()))
			if err != nil {
				return nil, err
			}
			for _, s := range scoped {
				manifests = append(manifests, filepath.Join(nodeModules, e.Name(), s.Name(), "package.json"))
			}
		} else {
			manifests = append(manifests, filepath.Join(nodeModules, e.Name(), "package.json"))
		}
	}
	var plugins []*pulumirpc.PluginDependency
	for _, manifest := range manifests {
		data, err := os.ReadFile(manifest)
		if err != nil {
			continue // a directory without a manifest (e.g. .bin) is not a package
		}
		var pkg packageJSON
		if err := json.Unmarshal(data, &pkg); err != nil || !pkg.Pulumi.Resource {
			continue
		}
		name := pkg.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(strings.TrimPrefix(pkg.Name, "@pulumi/"), "@")
		}
		plugins = append(plugins, &pulumirpc.PluginDependency{Name: name, Kind: "resource", Version: "v" + strings.TrimPrefix(pkg.Version, "v")})
	}
	return plugins, nil
}
