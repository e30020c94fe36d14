import { Module, type DynamicModule } from '@nestjs/common';
import { DashboardController, DashboardFiles } from './dashboard.controller';

/** The web dashboard's files, served from `dashboardDir` (`dist/dashboard` by default). */
@Module({})
export class DashboardModule {
  static forRoot(dashboardDir?: string): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [DashboardController],
      providers: [{ provide: DashboardFiles, useValue: new DashboardFiles(dashboardDir) }],
    };
  }
}
